#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, builds, lints, then runs the
# unit and integration suites (scripts/test-fast.sh, as `npm run test:fast` without its lint) and the
# end-to-end suites (real n8n, packed package), and closes with one summary line over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/jest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "› installing development dependencies (npm ci)"
	npm ci --no-audit --no-fund || { echo "› npm ci failed (see npm's messages above)" >&2; exit 1; }
fi
# n8n 2.x needs Node 24+: the system's when new enough, else one installed into .cache/ (ensure-node.sh).
. scripts/node24.sh "›" || exit 1
echo "› node $(node --version) ($N8N_NODE_BIN_DIR)"

# What the end-to-end suites need besides n8n: Postgres, Redis (queue mode) and Chromium (the editor
# suite), found or, as root with apt-get, installed; otherwise one message names what is missing.
if [ "${SKIP_E2E:-}" != "1" ]; then
	bash scripts/check-tools.sh || exit 1
fi

results=.cache/test-results
rm -rf "$results" && mkdir -p "$results"
status=0

echo "› lint (n8n's verification-gate rules, on sources and the build)"
npm run lint --silent || status=1
echo "› n8n's verification-gate scanner on the package as it would be published"
[ $status -eq 0 ] && { node scripts/scan-package.js || status=1; }

if [ $status -eq 0 ]; then
	# The unit and integration tests exactly as `npm run test:fast` runs them (the same Jest workers;
	# the shared-key sweep on its own), without its lint: done above.
	bash scripts/test-fast.sh --no-lint --results "$results" || status=1
fi

if [ $status -eq 0 ] && [ "${SKIP_E2E:-}" != "1" ]; then
	echo "› real n8n (installed into .cache/n8n on first use)"
	bash scripts/ensure-n8n.sh || status=1
	# The compatibility suite (test/e2e/compat.test.cts) also runs the 1.x line users still run.
	echo "› real n8n 1.123.81 for the compatibility suite (installed into .cache/n8n-1.123.81 on first use)"
	[ $status -eq 0 ] && { bash scripts/ensure-n8n.sh 1.123.81 || status=1; }
	if [ $status -eq 0 ]; then
		# test/e2e/*.test.cts; queue-mode.test.cts starts its own Postgres and Redis
		# (scripts/queue-services.sh) unless TEST_POSTGRES_URL and TEST_REDIS_URL name running ones.
		echo "› end-to-end tests on the packed package in a real n8n"
		npx jest test/e2e --runInBand --json --outputFile="$results/e2e.json" || status=1
	fi
fi

# One closing line over every jest run ("N passed, N failed, N skipped").
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const file of fs.readdirSync(process.argv[1])) {
	const run = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
	passed += run.numPassedTests; failed += run.numFailedTests + (run.numRuntimeErrorTestSuites || 0);
	skipped += run.numPendingTests + (run.numTodoTests || 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"
exit $status
