# syntax=docker/dockerfile:1
# The vouch container for the Tekton Tasks: Node 24, the opa CLI at the version the tests pin
# (scripts/tools.env OPA_VERSION; opa compiles Rego sources at run time, pre-compiled bundles need
# none), the embedded demo (`vouch validate image --demo`), non-root, dist/index.js as the entrypoint.
#
# Built by a release job (this repository's machines reach no registry):
#   docker build \
#     --build-arg OPA_DIGEST="$(crane digest docker.io/openpolicyagent/opa:1.22.2-static)" \
#     --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
# Every base is pinned by digest (the tag is for people; the digest decides): node's here (24.18.0,
# bump with `crane digest`), opa's given at build time. OPA_DIGEST, REVISION and CREATED have no
# default: an unpinned opa, or an image without its commit and build time, cannot be built.
ARG OPA_VERSION=1.22.2
ARG OPA_DIGEST
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM docker.io/openpolicyagent/opa:${OPA_VERSION}-static@${OPA_DIGEST} AS opa

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION
ARG CREATED
RUN test -n "${REVISION}" && test -n "${CREATED}" || { echo 'build with --build-arg REVISION=<git commit> --build-arg CREATED=<RFC 3339 time>' >&2; exit 1; }
LABEL org.opencontainers.image.title="vouch" \
      org.opencontainers.image.description="Verifies container image signatures, attestations and Rego policy (Enterprise Contract compatible)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/vouch-dev/vouch"
COPY --from=opa /opa /usr/local/bin/opa
COPY dist/index.js /opt/vouch/dist/index.js
# Its "type": "module" tells Node the bundle is an ES module: without it, Node compiles the 4 MB
# file as CommonJS first, fails, and compiles it again (~45 ms of CPU per step).
COPY package.json /opt/vouch/package.json
COPY action.yml /opt/vouch/action.yml
COPY examples/demo /opt/vouch/examples/demo
ENV NODE_ENV=production \
    VOUCH_CACHE_DIR=/tmp/vouch-cache
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["node", "/opt/vouch/dist/index.js"]
