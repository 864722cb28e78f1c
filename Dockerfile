# syntax=docker/dockerfile:1
# The vouch container for the Tekton task: Node 24 runtime, the opa CLI (to compile Rego sources;
# pre-compiled bundles need none), non-root, dist/index.js as the entrypoint.
# Both bases are pinned by digest (the tag is only for people; the digest decides). The digests are
# the ones published for these tags (node:24-bookworm-slim at 24.18.0; opa 1.18.2-static) — this
# repository's machines cannot reach a registry, so bump them in a release job with `crane digest`.
# opa here only compiles Rego sources at run time; pre-compiled bundles need none.
ARG OPA_IMAGE=docker.io/openpolicyagent/opa:1.18.2-static@sha256:57f7d06808fff6de3ea1d698e6430990973ca1370be0e54975f0083d615521da
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${OPA_IMAGE} AS opa

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="vouch" \
      org.opencontainers.image.description="Verifies container image signatures, attestations and Rego policy (Enterprise Contract compatible)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/vouch-dev/vouch"
COPY --from=opa /opa /usr/local/bin/opa
COPY dist/index.js /opt/vouch/dist/index.js
COPY action.yml /opt/vouch/action.yml
ENV NODE_ENV=production \
    VOUCH_CACHE_DIR=/tmp/vouch-cache
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["node", "/opt/vouch/dist/index.js"]
