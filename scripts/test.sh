#!/usr/bin/env bash
# `npm test`: installs the pinned test tools (cached), then lint, type-check, the dead-code check (knip) and every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
VOUCH_TOOLS_BIN="$(bash scripts/install-tools.sh | tail -n 1)"
export VOUCH_TOOLS_BIN
export PATH="$VOUCH_TOOLS_BIN:$PATH"
echo "node $(node --version), tools in $VOUCH_TOOLS_BIN"
npx eslint src test scripts
npx tsc --noEmit -p tsconfig.json
npx knip

run_tests=(node --test --test-concurrency=2 --test-timeout=600000 "test/**/*.test.ts")
# The tests run in a private network namespace that holds only loopback: every server they start
# (registry, git, Fulcio, TSA, TUF) is unreachable from anywhere else, even those that bind all
# interfaces. Without the privilege for that, tests that need it skip and say why.
if [ "${VOUCH_NO_NETNS:-}" != "1" ] && unshare --net true 2>/dev/null; then
  exec unshare --net bash -c 'ip link set lo up && exec "$@"' netns "${run_tests[@]}"
fi
exec "${run_tests[@]}"
