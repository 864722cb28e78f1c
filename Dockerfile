# syntax=docker/dockerfile:1
# The vouch container for the Tekton task: Node 24 runtime, the opa CLI (to compile Rego sources;
# pre-compiled bundles need none), non-root, dist/index.js as the entrypoint.
# Base images are pinned by version here; the release job pins them by digest through the build
# args (e.g. --build-arg NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim@sha256:…), since
# this repository's machines cannot reach a container registry to resolve digests.
ARG OPA_IMAGE=docker.io/openpolicyagent/opa:1.22.2-static
ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim

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
