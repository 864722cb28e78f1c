#!/usr/bin/env bash
# Installs the real tools the tests drive (registries, cosign, crane, opa, the Sigstore stack) at the
# versions pinned in scripts/tools.env. Idempotent and cached outside the clone
# (VOUCH_TOOLS_HOME, default ~/.cache/vouch-tools), so CI and later runs reuse the builds.
# Prints the bin directory on stdout's last line; everything else goes to stderr.
#
# Go tools: built in a few builds, each a throwaway Go module that requires its tools at their pinned
# versions, so one version of each shared dependency is chosen (minimal version selection) and every
# package the tools share compiles once, in one `go` run that keeps every core busy. Each build has
# an anchor, its first tool (cosign, opa), that builds with exactly the dependency versions of its own
# go.mod, as `go install module@version` builds it: the other tools of a build are those whose
# requirements raise none of them, which the installer checks. The others (test servers, crane,
# actionlint) build with the versions chosen for their build; the tests that run them prove them.
# Every build's modules download at once (network, not CPU); the builds run one after another, each
# as soon as its own modules are in, compiling its packages, then linking its tools (VOUCH_TOOLS_JOBS
# links at a time, default: the number of cores); then test/tekton-validate from its own go.mod.
# Each step says what it builds and, every VOUCH_TOOLS_HEARTBEAT seconds, how far it is.
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
# name|module|version|package: the package's binary lands in $tools_home/<name>-<version>/ and is
# linked as bin/<name>.
tools=(
  "cosign|$COSIGN_V3_MODULE|$COSIGN_V3_VERSION|$COSIGN_V3_PACKAGE"
  "rekor-posix|$REKOR_TILES_MODULE|$REKOR_TILES_VERSION|$REKOR_TILES_PACKAGE"
  "trillian_log_server|$TRILLIAN_MODULE|$TRILLIAN_VERSION|$TRILLIAN_SERVER_PACKAGE"
  "trillian_log_signer|$TRILLIAN_MODULE|$TRILLIAN_VERSION|$TRILLIAN_SIGNER_PACKAGE"
  "createtree|$TRILLIAN_MODULE|$TRILLIAN_VERSION|$TRILLIAN_CREATETREE_PACKAGE"
  "olareg|$OLAREG_MODULE|$OLAREG_VERSION|$OLAREG_PACKAGE"
  "actionlint|$ACTIONLINT_MODULE|$ACTIONLINT_VERSION|$ACTIONLINT_PACKAGE"
  "opa|$OPA_MODULE|$OPA_VERSION|$OPA_PACKAGE"
  "rekor-server|$REKOR_MODULE|$REKOR_VERSION|$REKOR_PACKAGE"
  "fulcio|$FULCIO_MODULE|$FULCIO_VERSION|$FULCIO_PACKAGE"
  "timestamp-server|$TSA_MODULE|$TSA_VERSION|$TSA_PACKAGE"
  "ct_server|$CT_SERVER_MODULE|$CT_SERVER_VERSION|$CT_SERVER_PACKAGE"
  "crane|$CRANE_MODULE|$CRANE_VERSION|$CRANE_PACKAGE"
)
# The builds, anchor first. cosign's go.mod (v3.1.3) has older versions than opa, Fulcio, the TSA,
# Rekor v1, the CT log and crane require (x/crypto, gRPC, the cloud SDKs, go-containerregistry…), so
# those build with opa, whose versions none of them raises; actionlint raises opa's, so it builds
# with cosign. After a version bump the installer names the tool and module that break this.
builds=(
  "cosign rekor-posix trillian_log_server trillian_log_signer createtree olareg actionlint"
  "opa rekor-server fulcio timestamp-server ct_server crane"
)
# Smaller binaries and a shorter link (no symbol table, no DWARF); no local paths in the binaries.
# A tool built in another module sees that module as the main one (version "(devel)"), so the version
# variables of sigstore's release-utils (cosign, Fulcio, Rekor, the TSA) and crane are set as their
# releases set them; opa's version is in its source.
build_flags=(-trimpath)
# The builds' modules are made here: the go command may complete their requirements (and go.sum).
modflags=(env "GOFLAGS=${GOFLAGS:+$GOFLAGS }-mod=mod")
ldflags() { echo "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$1 -X github.com/google/go-containerregistry/cmd/crane/cmd.Version=$1"; }

field() { cut -d'|' -f"$2" <<<"$1"; }
declare -A tool=()
for t in "${tools[@]}"; do tool[$(field "$t" 1)]="$t"; done
tool_bin() { local t="${tool[$1]}" p; p="$(field "$t" 4)"; echo "$tools_home/$1-$(field "$t" 3)/${p##*/}"; }
tool_label() { echo "$1 $(field "${tool[$1]}" 3)"; }
for name in "${!tool[@]}"; do # every tool in exactly one build
  [ "$(printf ' %s ' "${builds[@]}" | grep -o " $name " | wc -l)" -eq 1 ] || { log "$name: in $(printf ' %s ' "${builds[@]}" | grep -o " $name " | wc -l) builds, not 1"; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# test/tekton-validate: Tekton's own validation of our Tasks and pipelines, a module of this
# repository (its go.mod pins github.com/tektoncd/pipeline), built as its go.mod says, outside the
# tests' loopback-only namespace, at the path test/unit/faces/tekton-validate.test.ts looks for:
# named after its sources' hash.
tv_src="$here/../test/tekton-validate"
tv_bin="$tools_home/tekton-validate-$(cat "$tv_src/go.mod" "$tv_src/go.sum" "$tv_src/main.go" | sha256sum | cut -c1-12)/tekton-validate"

# Steps: `b<i>` is builds[i] (only its missing tools are built), `tv` is test/tekton-validate.
missing_of() { local name; for name in ${builds[$1]}; do [ -x "$(tool_bin "$name")" ] || echo "$name"; done; }
declare -A missing=() # step -> the tools it builds, as they were missing when the run started
label() {
  local name
  if [ "$1" = tv ]; then echo "test/tekton-validate ($(grep -m1 'github.com/tektoncd/pipeline ' "$tv_src/go.mod" | xargs))"; return; fi
  for name in ${missing[$1]}; do tool_label "$name"; done | paste -sd, - | sed 's/,/, /g'
}
short() { # label for progress lines: the first tool and how many more
  [ "$1" = tv ] && { echo test/tekton-validate; return; }
  local -a m; read -ra m <<<"${missing[$1]}"
  if [ ${#m[@]} -gt 1 ]; then echo "${m[0]} +$((${#m[@]} - 1))"; else echo "${m[0]}"; fi
}
packages() { local name; for name in ${missing[$1]}; do field "${tool[$name]}" 4; done; }

# A build's module: requires each of its tools' modules at the pinned version; the go line and the
# godebug settings are the anchor's (they set the anchor's run-time GODEBUG defaults, as `go install`
# does). Then the checks: every tool's module selected at its pinned version, and every module of the
# anchor's go.mod at the anchor's version, so the anchor builds with exactly its own dependencies.
make_module() { # step dir
  local i="${1#b}" dir="$2" anchor gomod name t
  anchor="${builds[$i]%% *}"
  t="${tool[$anchor]}"
  gomod="$(cd "$work" && go list -m -f '{{.GoMod}}' "$(field "$t" 2)@$(field "$t" 3)")" || return 1
  mkdir -p "$dir"
  printf 'module vouch.local/tools/%s\n\ngo %s\n' "$anchor" "$(awk '$1 == "go" { print $2; exit }' "$gomod")" >"$dir/go.mod"
  awk '/^godebug \($/ { b = 1; next } b && /^\)/ { b = 0; next } b { print $1; next } /^godebug [^(]/ { print $2 }' "$gomod" |
    while read -r name; do (cd "$dir" && go mod edit -godebug="$name") || exit 1; done || return 1
  for name in ${builds[$i]}; do
    t="${tool[$name]}"
    (cd "$dir" && go mod edit -require="$(field "$t" 2)@$(field "$t" 3)") || return 1
  done
  awk '/^require \($/ { b = 1; next } b && /^\)/ { b = 0; next } b { print $1, $2; next } /^require [^(]/ { print $2, $3 }' "$gomod" >"$dir/anchor.requires"
  awk '$1 == "go" { print $2; exit }' "$gomod" >"$dir/anchor.go"
  resolve "$1" "$dir"
}
# A module's graph is pruned to the go.mod of each module it requires (go >= 1.17), so a package that
# a dependency raised here imports from a module only that dependency's go.mod requires is not found,
# and the go command would look its module up at its latest version. Instead the importer's module
# becomes a requirement too, which brings its go.mod's version in, and the packages load again.
resolve() { # step dir
  local dir="$2" round absent importers name
  cp "$dir/go.mod" "$dir/go.mod.base"
  : >"$dir/extra"
  for round in 1 2 3 4 5 6 7 8; do
    # shellcheck disable=SC2046 # one word per package
    (cd "$dir" && "${modflags[@]}" go list -deps -f '{{.ImportPath}} {{with .Module}}{{.Path}}@{{.Version}}{{end}} {{join .Imports " "}}' $(packages "$1")) >"$dir/deps" 2>"$dir/resolve" ||
      { grep -v '^go: downloading' "$dir/resolve"; return 1; }
    absent=" $(sed -n 's/^go: finding module for package //p' "$dir/resolve" | xargs) "
    [ "$absent" != "  " ] || return 0
    importers="$(awk -v absent="$absent" '{ for (k = 3; k <= NF; k++) if (index(absent, " " $k " ")) { print $2; break } }' "$dir/deps" | sort -u)"
    [ -n "$importers" ] || { echo "no package of the build imports${absent}but the go command looked it up"; return 1; }
    echo "$importers" >>"$dir/extra"
    cp "$dir/go.mod.base" "$dir/go.mod"
    while read -r name; do (cd "$dir" && go mod edit -require="$name") || exit 1; done <"$dir/extra" || return 1
  done
  echo "the packages of the build still import modules no requirement provides after $round rounds:${absent}"
  return 1
}
check_module() { # step dir
  local i="${1#b}" dir="$2" anchor name t selected bad
  anchor="${builds[$i]%% *}"
  (cd "$dir" && "${modflags[@]}" go list -m -f '{{.Path}} {{.Version}}' all) >"$dir/selected" || return 1
  for name in ${builds[$i]}; do
    t="${tool[$name]}"
    selected="$(awk -v m="$(field "$t" 2)" '$1 == m { print $2 }' "$dir/selected")"
    [ "$selected" = "$(field "$t" 3)" ] || { echo "$name would build at $(field "$t" 2) ${selected:-?}, not its pinned $(field "$t" 3): another tool of its build requires that"; return 1; }
  done
  [ "$(awk '$1 == "go" { print $2; exit }' "$dir/go.mod")" = "$(cat "$dir/anchor.go")" ] ||
    { echo "the other tools of $(tool_label "$anchor")'s build need a newer go line than its go.mod's $(cat "$dir/anchor.go") (its GODEBUG defaults): move them to another build"; return 1; }
  bad="$(awk 'NR == FNR { v[$1] = $2; next } v[$1] != $2 { print "  " $1 " " v[$1] " instead of " $2 }' "$dir/selected" "$dir/anchor.requires")"
  [ -z "$bad" ] || { printf '%s would not build with its own go.mod'"'"'s versions; the other tools of its build (scripts/install-tools.sh) raise:\n%s\nmove the tool that requires them to another build\n' "$(tool_label "$anchor")" "$bad"; return 1; }
}

# Downloading: planning the build (`-n`) resolves and downloads exactly the modules it needs.
download() {
  [ "$1" = tv ] || make_module "$1" "$work/module-$1" || return 1
  plan "$1" || return 1
  [ "$1" = tv ] || check_module "$1" "$work/module-$1"
}
download_progress() {
  [ "$2" = start ] && return 0
  echo "$(grep -c '^go: downloading' "$work/plan-$1" 2>/dev/null || true) modules,"
}
# The compile steps a build has to run (`-n`: none run), counted as it starts: what an earlier build
# compiled (the standard library, shared modules) is not among them.
plan() {
  local rc=0
  if [ "$1" = tv ]; then
    (cd "$tv_src" && GOFLAGS=-mod=readonly go build "${build_flags[@]}" -n -o "$work/tv-n" .) 2>"$work/plan-$1" || rc=$?
  else
    # shellcheck disable=SC2046 # one word per package
    (cd "$work/module-$1" && "${modflags[@]}" go list -export -deps -n "${build_flags[@]}" -f '' $(packages "$1")) 2>"$work/plan-$1" >/dev/null || rc=$?
  fi
  grep -c '/compile -o' "$work/plan-$1" >"$work/planned-$1" || true
  # A package no required module provides would be looked up at its latest version: not reproducible.
  if grep '^go: finding module for package' "$work/plan-$1"; then echo "a tool imports a package that no module of its go.mod provides"; return 1; fi
  [ "$rc" -eq 0 ] || { grep -v '^\(mkdir\|cat\|cd\|EOF\|packagefile\|echo\|/\|\$\|#\|\s\)' "$work/plan-$1" | tail -n 20; return "$rc"; }
}
planned() { cat "$work/planned-$1"; }
# Building: one `go` run compiles every package of the build (-v names each as it is compiled), then
# each tool is linked with its own version variables, VOUCH_TOOLS_JOBS at a time.
build() {
  if [ "$1" = tv ]; then
    mkdir -p "$(dirname "$tv_bin")"
    (cd "$tv_src" && GOFLAGS=-mod=readonly go build "${build_flags[@]}" -ldflags=-s\ -w -v -o "$tv_bin.tmp" . && mv "$tv_bin.tmp" "$tv_bin")
    return
  fi
  local dir="$work/module-$1" name t out rc=0
  local -a pids=()
  # shellcheck disable=SC2046 # one word per package
  (cd "$dir" && "${modflags[@]}" go list -export -deps -v "${build_flags[@]}" -f '' $(packages "$1") >/dev/null) || return 1
  echo "# linking"
  for name in ${missing[$1]}; do
    t="${tool[$name]}"
    out="$work/out-$1/$name/$(basename "$(tool_bin "$name")")"
    (cd "$dir" && "${modflags[@]}" go build "${build_flags[@]}" -ldflags="$(ldflags "$(field "$t" 3)")" -o "$out" "$(field "$t" 4)" && echo "# linked $name") &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || rc=1; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  [ "$rc" -eq 0 ] || return 1
  for name in ${missing[$1]}; do
    mkdir -p "$(dirname "$(tool_bin "$name")")"
    mv -f "$work/out-$1/$name/$(basename "$(tool_bin "$name")")" "$(tool_bin "$name")"
  done
}
build_progress() {
  if [ "$2" = start ]; then plan "$1"; echo " ($(planned "$1") packages to compile)"; return 0; fi
  local linked
  if grep -q '^# linking' "$work/building-$1"; then
    linked="$(grep -c '^# linked' "$work/building-$1" || true)"
    echo "$linked/$(wc -w <<<"${missing[$1]}") tools linked,"
    return 0
  fi
  echo "$(grep -c '^[A-Za-z0-9][A-Za-z0-9._~/+-]*$' "$work/building-$1" || true)/$(planned "$1") packages compiled,"
}

# pool VERB CONCURRENCY RUN PROGRESS [AFTER]: runs `RUN <step>` for every step in $todo, CONCURRENCY
# at a time, its output in $work/VERB-<step>; with AFTER, a step starts once the AFTER pool (running
# meanwhile) has ended the same step well, and the pool fails if that failed. Prints "[k/N] VERB <what> …" as each starts, "… done in N s"
# as each ends, and every $heartbeat seconds `PROGRESS <step>` for those still running. On a failure
# it starts nothing more, lets the running ones end, shows the log and returns 1.
pool() {
  local verb="$1" concurrency="$2" run="$3" progress="$4" after="${5:-}"
  local n=${#todo[@]} next=0 failed=0 last_beat=$SECONDS i k rc
  local -a running=() still=()
  local -A started=() index=() pid=() what=()
  while :; do
    while [ "$failed" -eq 0 ] && [ ${#running[@]} -lt "$concurrency" ] && [ "$next" -lt "$n" ]; do
      i="${todo[$next]}"
      if [ -n "$after" ]; then
        [ -f "$work/$after-$i.rc" ] || break
        [ "$(cat "$work/$after-$i.rc")" -eq 0 ] || { failed=1; break; }
      fi
      next=$((next + 1))
      index[$i]=$next
      started[$i]=$SECONDS
      what[$i]="$(label "$i")"
      log "[$next/$n] $verb ${what[$i]}$("$progress" "$i" start) …"
      ( rc=0; "$run" "$i" >"$work/$verb-$i" 2>&1 || rc=$?; echo "$rc" >"$work/$verb-$i.rc" ) &
      pid[$i]=$!
      running+=("$i")
    done
    if [ ${#running[@]} -eq 0 ]; then { [ "$failed" -eq 0 ] && [ "$next" -lt "$n" ]; } || break; fi
    sleep 1
    still=()
    for i in "${running[@]}"; do
      if [ ! -f "$work/$verb-$i.rc" ]; then still+=("$i"); continue; fi
      wait "${pid[$i]}" || true
      rc="$(cat "$work/$verb-$i.rc")"
      if [ "$rc" -eq 0 ]; then
        log "[${index[$i]}/$n] $verb $(short "$i") … done in $(since "${started[$i]}") s"
      else
        failed=1
        log "[${index[$i]}/$n] $verb ${what[$i]} FAILED (exit $rc) after $(since "${started[$i]}") s:"
        grep -v '^# link' "$work/$verb-$i" | tail -n 40 >&2
      fi
    done
    running=("${still[@]}")
    if [ ${#running[@]} -gt 0 ] && [ $((SECONDS - last_beat)) -ge "$heartbeat" ]; then
      last_beat=$SECONDS
      for k in "${running[@]}"; do
        log "  … $verb $(short "$k"): $("$progress" "$k" now) $(since "${started[$k]}") s"
      done
    fi
  done
  return "$failed"
}

todo=()
for i in "${!builds[@]}"; do
  missing[b$i]="$(missing_of "$i" | xargs)"
  [ -z "${missing[b$i]}" ] || todo+=("b$i")
done
[ -x "$tv_bin" ] || todo+=(tv)
if [ ${#todo[@]} -gt 0 ]; then
  command -v go >/dev/null || { log "go is not on PATH: install Go $GO_VERSION or newer (https://go.dev/dl/)"; exit 3; }
  log "Go builds: ${#todo[@]}, one at a time, each on every core, $jobs links at a time ($(go env GOVERSION), $(nproc 2>/dev/null || echo '?') cores); progress every $heartbeat s"
  t0=$SECONDS
  # Downloads wait on the network, not the CPU: all at once, and a build starts as soon as its own
  # modules are in (the first compiles while the others download).
  ( pool downloading "${#todo[@]}" download download_progress && echo $((SECONDS - t0)) >"$work/downloaded" ) &
  downloads=$!
  # One build at a time: a build's compile already keeps every core busy, and two at once would both
  # compile what they share (the standard library).
  built=0
  pool building 1 build build_progress downloading || built=1
  wait "$downloads" || exit 1
  [ "$built" -eq 0 ] || exit 1
  log "Go tools: $(since "$t0") s (every module downloaded after $(cat "$work/downloaded") s)"
fi
for name in "${!tool[@]}"; do link "$(tool_bin "$name")" "$name"; done

# Trillian's MySQL schema, from the module of the installed Trillian, for the test stack's MariaDB.
schema="$tools_home/trillian-$TRILLIAN_VERSION/storage.sql"
if [ ! -f "$schema" ]; then
  dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$TRILLIAN_MODULE@$TRILLIAN_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$(dirname "$schema")"
  cp "$dir/storage/mysql/schema/storage.sql" "$schema.tmp" && mv "$schema.tmp" "$schema"
fi
link "$schema" trillian-storage.sql

echo "$bin"
