#!/usr/bin/env bash
# `npm run test:fast`: the command to iterate with. Lint, then the unit and integration tests
# (test/unit, test/integration: everything but the end-to-end suites in real n8n). About 2¼ minutes
# on a 2-core machine (docs/development.md, "The tests"); `npm test` stays the whole suite.
#
# How it stays quick, with the same tests and assertions as `npm test`:
# - The integration tests mostly wait on real time (task latency, retry backoff, a trigger's
#   gathering): 6 minutes of wall time for under a minute of CPU on one Jest worker. JEST_WORKERS
#   workers (6 unless set) run them side by side on 2 cores. (So many workers on 2 cores need the
#   test setup test/regex-guard.cts: n8n-workflow's 250 ms guard on regular expressions at 5 s.)
# - The shared-key sweep (test/unit/sharedKey.test.cts: 2,000 scenarios on a virtual clock, about a
#   minute of CPU) runs beside lint, not beside the tests, which it would slow down; a virtual clock
#   does not mind a busy CPU.
#
# scripts/test.sh (`npm test`) runs the same tests with the same settings: this script with
# `--no-lint` (it has linted and scanned first; the sweep then runs on its own, first) and
# `--results DIR` (Jest's JSON reports, for its summary line).
set -uo pipefail
cd "$(dirname "$0")/.."

lint=1
results=""
while [ $# -gt 0 ]; do
	case "$1" in
		--no-lint) lint=0 ;;
		--results) results="$2"; shift ;;
		*) echo "usage: scripts/test-fast.sh [--no-lint] [--results DIR]" >&2; exit 2 ;;
	esac
	shift
done

if [ ! -x node_modules/.bin/jest ]; then
	echo "› installing development dependencies (npm ci)"
	npm ci --no-audit --no-fund || { echo "› npm ci failed (see npm's messages above)" >&2; exit 1; }
fi
# n8n-core (the engine the integration tests run in) and n8n 2.x want Node 24+ (scripts/ensure-node.sh).
. scripts/node24.sh "›" || exit 1

workers="${JEST_WORKERS:-6}"
SWEEP=test/unit/sharedKey.test.cts
report() { [ -n "$results" ] && echo "--json --outputFile=$results/$1.json"; }
started=$SECONDS
status=0

if [ $lint -eq 1 ]; then
	log=$(mktemp)
	echo "› lint, and beside it the shared-key sweep (rate limiter, several processes on one key)"
	# shellcheck disable=SC2046
	npx jest "$SWEEP" $(report shared-key) >"$log" 2>&1 &
	sweep=$!
	npm run lint --silent || status=1
	wait $sweep || status=1
	echo "› the shared-key sweep"
	cat "$log"
	rm -f "$log"
else
	echo "› the shared-key sweep (rate limiter, several processes on one key)"
	# shellcheck disable=SC2046
	npx jest "$SWEEP" $(report shared-key) || status=1
fi

echo "› unit and integration tests ($workers Jest workers)"
# shellcheck disable=SC2046
npx jest test/unit test/integration --testPathIgnorePatterns "$SWEEP" --maxWorkers="$workers" $(report unit-integration) || status=1

what=$([ $lint -eq 1 ] && echo "test:fast" || echo "the sweep, unit and integration tests")
echo "› $what: $((SECONDS - started)) s, $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
