#!/usr/bin/env bash
# Installs the real tools the tests drive (registries, cosign, crane, opa, the Sigstore stack) at the
# versions pinned in scripts/tools.env. Idempotent and cached outside the clone
# (VOUCH_TOOLS_HOME, default ~/.cache/vouch-tools), so CI and later runs reuse the builds.
# Prints the bin directory on stdout's last line; everything else goes to stderr.
#
# Go tools: first every module a missing tool needs is downloaded (in parallel: network, not CPU),
# then the tools are compiled, VOUCH_TOOLS_JOBS at a time (default: the number of cores), largest
# first. Each tool is built from its own go.mod exactly as `go install module@version` does, so it
# runs with the dependency versions its release was tested with; what two tools share at the same
# version compiles once (Go's build cache). Each step says what it builds and, every
# VOUCH_TOOLS_HEARTBEAT seconds, how many of its packages are compiled.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tools.env
source "$here/tools.env"

tools_home="${VOUCH_TOOLS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-tools}"
bin="$tools_home/bin"
jobs="${VOUCH_TOOLS_JOBS:-$(nproc 2>/dev/null || echo 2)}"
heartbeat="${VOUCH_TOOLS_HEARTBEAT:-30}"
mkdir -p "$bin"

log() { printf 'install-tools: %s\n' "$*" >&2; }
since() { echo $((SECONDS - $1)); }
# bin/<name> -> target, replaced atomically (rename) and only when it differs: tests running while the
# installer runs again never find a tool missing.
link() { # target name
  [ "$(readlink "$bin/$2" 2>/dev/null)" = "$1" ] && return 0
  ln -sfn "$1" "$bin/.$2.new" && mv -Tf "$bin/.$2.new" "$bin/$2"
}

# --- Debian packages ---------------------------------------------------------------------------
missing_debs=()
for p in $DEBIAN_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_debs+=("$p")
done
if [ ${#missing_debs[@]} -gt 0 ]; then
  t0=$SECONDS
  log "apt-get install ${missing_debs[*]} …"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing_debs[@]}" >&2
  log "apt-get install done in $(since "$t0") s"
fi
link /usr/bin/docker-registry docker-registry

# --- Go tools ----------------------------------------------------------------------------------
# One step per `go install` (tools of one module at one version build in one step):
#   label|version|links|packages
# links: `name=binary` pairs; binary lands in $tools_home/<name>-<version>/ and is linked as bin/<name>.
# packages: built at `version`; `module:<module>:<package>` builds <package> from a throwaway module
# requiring exactly <module>@<version> (for modules whose version list the proxy refuses, so that
# `go install pkg@version` cannot resolve them). Largest first, so the long builds start early.
steps=(
  "cosign|$COSIGN_V3_VERSION|cosign=cosign|$COSIGN_V3_MODULE"
  "trillian|$TRILLIAN_VERSION|trillian_log_server=trillian_log_server trillian_log_signer=trillian_log_signer createtree=createtree|$TRILLIAN_SERVER_MODULE $TRILLIAN_SIGNER_MODULE $TRILLIAN_CREATETREE_MODULE"
  "rekor-server|$REKOR_VERSION|rekor-server=rekor-server|$REKOR_MODULE"
  "fulcio|$FULCIO_VERSION|fulcio=fulcio|$FULCIO_MODULE"
  "opa|$OPA_VERSION|opa=opa|$OPA_MODULE"
  "timestamp-server|$TSA_VERSION|timestamp-server=timestamp-server|$TSA_MODULE"
  "ct_server|$CT_SERVER_VERSION|ct_server=ct_server|$CT_SERVER_MODULE"
  "rekor-posix|$REKOR_TILES_VERSION|rekor-posix=posix|$REKOR_TILES_MODULE"
  "crane|$CRANE_VERSION|crane=crane|$CRANE_MODULE"
  "actionlint|$ACTIONLINT_VERSION|actionlint=actionlint|$ACTIONLINT_MODULE"
  "olareg|$OLAREG_VERSION|olareg=olareg|module:$OLAREG_MODULE:$OLAREG_PACKAGE"
)
# Smaller binaries and a shorter link (no symbol table, no DWARF); no local paths in the binaries.
build_flags=(-trimpath "-ldflags=-s -w")

field() { cut -d'|' -f"$2" <<<"$1"; }

installed() { # step: every binary of the step is in place
  local version name_bin
  version="$(field "$1" 2)"
  for name_bin in $(field "$1" 3); do
    [ -x "$tools_home/${name_bin%%=*}-$version/${name_bin#*=}" ] || return 1
  done
}

link_step() {
  local version name_bin
  version="$(field "$1" 2)"
  for name_bin in $(field "$1" 3); do
    link "$tools_home/${name_bin%%=*}-$version/${name_bin#*=}" "${name_bin%%=*}"
  done
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The go command for a step, in its own directory: `go install pkgs@version`, or `go build` in the
# throwaway module. $1 = step index, remaining args go before the packages (-n, -v, -o …).
go_step() {
  local i="$1"; shift
  local s="${steps[$i]}" version packages p module package
  version="$(field "$s" 2)"
  packages="$(field "$s" 4)"
  if [[ "$packages" == module:* ]]; then
    IFS=: read -r _ module package <<<"$packages"
    local mod="$work/module-$i"
    if [ ! -f "$mod/go.mod" ]; then
      mkdir -p "$mod"
      printf 'module vouch.local/tools\n\ngo 1.24\n' >"$mod/go.mod"
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >"$mod/tools.go"
      (cd "$mod" && go mod edit -require="$module@$version" && GOFLAGS=-mod=mod go mod tidy)
    fi
    (cd "$mod" && GOFLAGS=-mod=mod GOBIN="$work/out-$i" go install "${build_flags[@]}" "$@" "$package")
  else
    local args=()
    for p in $packages; do args+=("$p@$version"); done
    (cd "$work" && GOFLAGS=-mod=mod GOBIN="$work/out-$i" go install "${build_flags[@]}" "$@" "${args[@]}")
  fi
}

# pool VERB CONCURRENCY RUN PROGRESS: runs `RUN <step>` for every step in $todo, CONCURRENCY at a
# time, its output in $work/VERB-<step>. Prints "[k/N] VERB <tool> <version> …" as each starts,
# "… done in N s" as each ends, and every $heartbeat seconds `PROGRESS <step>` for those still running.
# On a failure it starts nothing more, lets the running ones end, shows the log and returns 1.
pool() {
  local verb="$1" concurrency="$2" run="$3" progress="$4"
  local n=${#todo[@]} next=0 failed=0 last_beat=$SECONDS i k s rc
  local -a running=() still=()
  local -A started=() index=() pid=()
  while :; do
    while [ "$failed" -eq 0 ] && [ ${#running[@]} -lt "$concurrency" ] && [ "$next" -lt "$n" ]; do
      i="${todo[$next]}"
      next=$((next + 1))
      index[$i]=$next
      started[$i]=$SECONDS
      log "[$next/$n] $verb $(field "${steps[$i]}" 1) $(field "${steps[$i]}" 2)$("$progress" "$i" start) …"
      ( rc=0; "$run" "$i" >"$work/$verb-$i" 2>&1 || rc=$?; echo "$rc" >"$work/$verb-$i.rc" ) &
      pid[$i]=$!
      running+=("$i")
    done
    [ ${#running[@]} -gt 0 ] || break
    sleep 1
    still=()
    for i in "${running[@]}"; do
      if [ ! -f "$work/$verb-$i.rc" ]; then still+=("$i"); continue; fi
      wait "${pid[$i]}" || true
      rc="$(cat "$work/$verb-$i.rc")"
      s="${steps[$i]}"
      if [ "$rc" -eq 0 ]; then
        log "[${index[$i]}/$n] $verb $(field "$s" 1) $(field "$s" 2) … done in $(since "${started[$i]}") s"
      else
        failed=1
        log "[${index[$i]}/$n] $verb $(field "$s" 1) $(field "$s" 2) FAILED (exit $rc) after $(since "${started[$i]}") s:"
        tail -n 40 "$work/$verb-$i" >&2
      fi
    done
    running=("${still[@]}")
    if [ ${#running[@]} -gt 0 ] && [ $((SECONDS - last_beat)) -ge "$heartbeat" ]; then
      last_beat=$SECONDS
      for k in "${running[@]}"; do
        log "  … $verb $(field "${steps[$k]}" 1): $("$progress" "$k" now) $(since "${started[$k]}") s"
      done
    fi
  done
  return "$failed"
}

# Downloading: `go install -n` resolves and downloads exactly the modules the build needs, and lists
# the compile steps to come (the package count the build's progress is measured against).
download() { go_step "$1" -n; }
download_progress() {
  [ "$2" = start ] && return 0
  echo "$(grep -c '^go: downloading' "$work/downloading-$1" || true) modules,"
}
planned() { grep -c '/compile -o' "$work/downloading-$1" || true; }
# Building: `-v` names each package as it is compiled.
build() {
  go_step "$1" -v
  local version name_bin s="${steps[$1]}"
  version="$(field "$s" 2)"
  for name_bin in $(field "$s" 3); do
    mkdir -p "$tools_home/${name_bin%%=*}-$version"
    mv -f "$work/out-$1/${name_bin#*=}" "$tools_home/${name_bin%%=*}-$version/${name_bin#*=}"
  done
}
build_progress() {
  if [ "$2" = start ]; then echo " ($(planned "$1") packages)"; return 0; fi
  echo "$(grep -c '^[A-Za-z0-9][A-Za-z0-9._~/+-]*$' "$work/building-$1" || true)/$(planned "$1") packages compiled,"
}

todo=()
for i in "${!steps[@]}"; do
  installed "${steps[$i]}" || todo+=("$i")
done
if [ ${#todo[@]} -gt 0 ]; then
  command -v go >/dev/null || { log "go is not on PATH: install Go $GO_VERSION or newer (https://go.dev/dl/)"; exit 3; }
  log "Go tools to build: ${#todo[@]}, $jobs at a time ($(go env GOVERSION), $(nproc 2>/dev/null || echo '?') cores); progress every $heartbeat s"
  t0=$SECONDS
  # Downloads wait on the network, not the CPU: all at once.
  pool downloading "${#todo[@]}" download download_progress || exit 1
  t1=$SECONDS
  pool building "$jobs" build build_progress || exit 1
  log "Go tools: downloads $((t1 - t0)) s, builds $(since "$t1") s"
fi
for s in "${steps[@]}"; do link_step "$s"; done

# Trillian's MySQL schema, from the module of the installed Trillian, for the test stack's MariaDB.
schema="$tools_home/trillian-$TRILLIAN_VERSION/storage.sql"
if [ ! -f "$schema" ]; then
  dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/google/trillian@$TRILLIAN_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$(dirname "$schema")"
  cp "$dir/storage/mysql/schema/storage.sql" "$schema.tmp" && mv "$schema.tmp" "$schema"
fi
link "$schema" trillian-storage.sql

# Tekton's own validation of our Tasks and pipelines (test/tekton-validate, whose go.mod pins
# github.com/tektoncd/pipeline), built here, outside the tests' loopback-only namespace, at the path
# test/unit/faces/tekton-validate.test.ts looks for: named after its sources' hash.
tv_src="$here/../test/tekton-validate"
tv_bin="$tools_home/tekton-validate-$(cat "$tv_src/go.mod" "$tv_src/go.sum" "$tv_src/main.go" | sha256sum | cut -c1-12)/tekton-validate"
if [ ! -x "$tv_bin" ]; then
  command -v go >/dev/null || { log "go is not on PATH: install Go $GO_VERSION or newer (https://go.dev/dl/)"; exit 3; }
  log "building test/tekton-validate ($(grep -m1 'github.com/tektoncd/pipeline ' "$tv_src/go.mod" | xargs)); a first build takes minutes"
  t0=$SECONDS
  (cd "$tv_src" && GOFLAGS=-mod=readonly go build "${build_flags[@]}" -o "$tv_bin.tmp" . && mv "$tv_bin.tmp" "$tv_bin") >&2 || { log "test/tekton-validate: FAILED"; exit 1; }
  log "test/tekton-validate built in $(since "$t0") s"
fi

echo "$bin"
