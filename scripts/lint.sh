#!/usr/bin/env bash
# Lint = n8n's own checks plus the verification gate's rule sets, and a type check of everything:
#   1. sources: package.json + nodes/ + credentials/ (*.ts and codex *.json), with the gate's rule sets
#      (eslint.gate.config.mjs: eslint-plugin-n8n-nodes-base and the community-nodes rules);
#   2. build, then the compiled files that are published: dist/{nodes,credentials}/**/*.js;
#   3. `n8n-node lint`, n8n's own CLI (@n8n/node-cli), in strict mode: `eslint .` with the template's
#      eslint.config.mjs (n8n Cloud rules on every `.ts` outside dist/; tooling is `.cts`, see
#      jest.config.js), after checking that eslint.config.mjs is exactly the template's;
#   4. `tsc --noEmit -p tsconfig.tooling.json`: tests, harness, simulator, bench and scripts, type-checked
#      with the sources they import;
#   5. the TypeScript code blocks of README.md, CONTRIBUTING.md and docs/ (scripts/doc-code.js).
# Fails on any ESLint or type error (warnings are shown, and do not fail, as in the gate).
# `--fix` applies ESLint's automatic fixes to the sources (never to dist/).
# `npm run scan` goes one step further and runs the gate's own scanner code (scripts/scan-package.js).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

fix=()
if [[ "${1:-}" == "--fix" ]]; then fix=(--fix); fi

status=0

echo "== lint: sources (package.json, nodes/, credentials/)"
eslint -c eslint.gate.config.mjs "${fix[@]}" --no-error-on-unmatched-pattern package.json nodes credentials || status=1

echo "== build"
npm run build --silent

# A compiled file whose source was deleted or renamed would still be linted and published: drop it.
while IFS= read -r -d '' js; do
	src="${js#dist/}"
	src="${src%.js}.ts"
	if [[ ! -f "$src" ]]; then
		echo "removing stale build output $js (no $src)"
		rm -f "$js" "${js%.js}.d.ts" "$js.map"
	fi
done < <(find dist/nodes dist/credentials -name '*.js' -print0 2>/dev/null)

echo "== lint: build output (dist/nodes, dist/credentials)"
eslint -c eslint.gate.config.mjs --no-error-on-unmatched-pattern 'dist/nodes/**/*.js' 'dist/credentials/**/*.js' || status=1

# n8n's own tool, as n8n's verification guidelines recommend. With "strict": true (package.json) it
# first checks that eslint.config.mjs is the template's, then runs `eslint .` with it.
echo "== n8n-node lint (@n8n/node-cli, strict: n8n Cloud rules)"
n8n-node lint || status=1

echo "== type check: tests, harness, simulator, bench, scripts (tsconfig.tooling.json)"
tsc --noEmit -p tsconfig.tooling.json || status=1

echo "== type check: the TypeScript blocks of README.md, CONTRIBUTING.md and docs/ (scripts/doc-code.js)"
node scripts/doc-code.js || status=1

if [[ $status -ne 0 ]]; then
	echo "lint: FAILED (fix the errors above; n8n's verification gate applies the same rules)" >&2
else
	echo "lint: OK"
fi
exit $status
