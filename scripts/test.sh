#!/usr/bin/env bash
# `npm test`: installs the pinned test tools (cached) while lint, type-check, the dead-code check (knip)
# and the format check (Prettier) run, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything this run keeps (the checks' output, the compile cache) lives here and goes with the run:
# nothing carries over to the next run, so no cache can hide a failure.
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT
# Each `node` of the run (test files, the faces and CLIs the tests start, policy workers) loads the
# TypeScript sources from V8's code cache once one process has compiled them: about half the CPU of
# loading them. Node checks every entry against its source's hash.
export NODE_COMPILE_CACHE="$run_dir/node-compile-cache"

# The tools install (on a first run, minutes of Go builds; later, a check that takes a second) runs
# while eslint, tsc, knip and prettier run, which need none of the tools. Its progress goes to stderr
# as it comes.
bash scripts/install-tools.sh >"$run_dir/tools" &
tools_pid=$!
# The checks are one single-threaded process each and go on while the tests run (the suite leaves
# part of the two cores idle, waiting on its servers): each one's output is shown whole, in this
# order, once the tests have ended, and any failure fails the run.
checks=("npx eslint src test scripts" "npx tsc --noEmit -p tsconfig.json" "npx knip" "npx prettier --check --log-level=warn src test scripts")
pids=()
for i in "${!checks[@]}"; do
  ${checks[$i]} >"$run_dir/check-$i" 2>&1 &
  pids+=($!)
done
failed=()
rc=0
wait "$tools_pid" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "failed: bash scripts/install-tools.sh (exit $rc)" >&2
  exit 1
fi
VOUCH_TOOLS_BIN="$(tail -n 1 "$run_dir/tools")"
export VOUCH_TOOLS_BIN
export PATH="$VOUCH_TOOLS_BIN:$PATH"
echo "node $(node --version), tools in $VOUCH_TOOLS_BIN"

# Arguments go to the test runner, e.g. `npm test -- --test-reporter=spec`. Three files at a time on two
# cores: the end-to-end files spend much of their time waiting on their loopback servers.
run_tests=(node --test --test-concurrency=3 --test-timeout=600000 "$@" "test/**/*.test.ts")
# The tests run in a private network namespace that holds only loopback: every server they start
# (registry, git, Fulcio, TSA, TUF) is unreachable from anywhere else, even those that bind all
# interfaces. Without the privilege for that, tests that need it skip and say why.
status=0
if [ "${VOUCH_NO_NETNS:-}" != "1" ] && unshare --net true 2>/dev/null; then
  unshare --net bash -c 'ip link set lo up && exec "$@"' netns "${run_tests[@]}" || status=$?
else
  "${run_tests[@]}" || status=$?
fi

for i in "${!checks[@]}"; do
  rc=0
  wait "${pids[$i]}" || rc=$?
  echo "> ${checks[$i]}"
  cat "$run_dir/check-$i"
  [ "$rc" -eq 0 ] || failed+=("${checks[$i]} (exit $rc)")
done
[ "$status" -eq 0 ] || failed+=("the tests (exit $status)")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
