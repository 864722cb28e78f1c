#!/usr/bin/env bash
# `npm test`: installs the pinned test tools (cached), then lint, type-check and the test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
VOUCH_TOOLS_BIN="$(bash scripts/install-tools.sh | tail -n 1)"
export VOUCH_TOOLS_BIN
export PATH="$VOUCH_TOOLS_BIN:$PATH"
echo "node $(node --version), tools in $VOUCH_TOOLS_BIN"
npx eslint src test scripts
npx tsc --noEmit -p tsconfig.json
node --test --test-concurrency=2 --test-timeout=600000 "test/**/*.test.ts"
