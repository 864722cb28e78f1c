#!/usr/bin/env bash
# Installs the real tools the tests drive (registry, cosign, crane, opa) at the versions pinned in
# scripts/tools.env. Idempotent and cached outside the clone, so CI and later runs reuse the builds.
# Prints the bin directory on stdout's last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tools.env
source "$here/tools.env"

tools_home="${VOUCH_TOOLS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-tools}"
bin="$tools_home/bin"
mkdir -p "$bin"

log() { printf 'install-tools: %s\n' "$*" >&2; }

missing_debs=()
for p in $DEBIAN_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_debs+=("$p")
done
if [ ${#missing_debs[@]} -gt 0 ]; then
  log "apt-get install ${missing_debs[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing_debs[@]}" >&2
fi
ln -sf /usr/bin/docker-registry "$bin/docker-registry"

go_tool() { # name module version
  local name="$1" module="$2" version="$3"
  local dir="$tools_home/$name-$version"
  local binary
  binary="$(basename "$module")"
  # A module root (github.com/sigstore/fulcio) builds a binary named after its last path element.
  if [ ! -x "$dir/$binary" ]; then
    log "go install $module@$version"
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS=-mod=mod go install "$module@$version" >&2
  fi
  ln -sf "$dir/$binary" "$bin/$name"
}

# For modules whose version list the proxy refuses: build the package from a throwaway module that
# requires the exact version (go.sum is checked against the checksum database as usual).
go_build_pinned() { # name module package version
  local name="$1" module="$2" package="$3" version="$4"
  local dir="$tools_home/$name-$version"
  if [ ! -x "$dir/$name" ]; then
    log "go build $package ($module@$version)"
    local work
    work="$(mktemp -d)"
    mkdir -p "$dir"
    (
      cd "$work"
      printf 'module vouch.local/tools\n\ngo 1.24\n' > go.mod
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" > tools.go
      go mod edit -require="$module@$version"
      go mod tidy >&2
      go build -o "$dir/$name" "$package" >&2
    )
    rm -rf "$work"
  fi
  ln -sf "$dir/$name" "$bin/$name"
}

go_tool cosign "$COSIGN_V3_MODULE" "$COSIGN_V3_VERSION"
go_tool cosign2 "$COSIGN_V2_MODULE" "$COSIGN_V2_VERSION"
go_tool crane "$CRANE_MODULE" "$CRANE_VERSION"
go_tool opa "$OPA_MODULE" "$OPA_VERSION"
go_tool fulcio "$FULCIO_MODULE" "$FULCIO_VERSION"
go_tool timestamp-server "$TSA_MODULE" "$TSA_VERSION"
go_tool rekor-posix "$REKOR_TILES_MODULE" "$REKOR_TILES_VERSION"
go_tool rekor-server "$REKOR_MODULE" "$REKOR_VERSION"
go_tool trillian_log_server "$TRILLIAN_SERVER_MODULE" "$TRILLIAN_VERSION"
go_tool trillian_log_signer "$TRILLIAN_SIGNER_MODULE" "$TRILLIAN_VERSION"
go_tool createtree "$TRILLIAN_CREATETREE_MODULE" "$TRILLIAN_VERSION"
go_tool ct_server "$CT_SERVER_MODULE" "$CT_SERVER_VERSION"
go_build_pinned olareg "$OLAREG_MODULE" "$OLAREG_PACKAGE" "$OLAREG_VERSION"

echo "$bin"
