#!/usr/bin/env bash
# Lint with the rule sets of n8n's community-package verification gate (see eslint.config.mjs):
#   1. sources: package.json + nodes/ + credentials/ (*.ts and codex *.json);
#   2. build, then the compiled files that are published: dist/{nodes,credentials}/**/*.js;
#   3. `n8n-node lint`, n8n's own CLI (@n8n/node-cli), on the whole package.
# Fails on any ESLint error (warnings are shown, and do not fail, as in the gate).
# `--fix` applies ESLint's automatic fixes to the sources (never to dist/).
# `npm run scan` goes one step further and runs the gate's own scanner code (scripts/scan-package.js).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

fix=()
if [[ "${1:-}" == "--fix" ]]; then fix=(--fix); fi

status=0

echo "== lint: sources (package.json, nodes/, credentials/)"
eslint "${fix[@]}" --no-error-on-unmatched-pattern package.json nodes credentials || status=1

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
eslint --no-error-on-unmatched-pattern 'dist/nodes/**/*.js' 'dist/credentials/**/*.js' || status=1

# n8n's own tool, as n8n's verification guidelines recommend: `n8n-node lint` (@n8n/node-cli) runs
# `eslint .` with this project's eslint.config.mjs (so the same rule sets, on everything the config
# does not ignore: sources, package.json and the build; tooling such as bench/ and test/ is ignored).
echo "== n8n-node lint (@n8n/node-cli)"
n8n-node lint || status=1

if [[ $status -ne 0 ]]; then
	echo "lint: FAILED (fix the errors above; n8n's verification gate applies the same rules)" >&2
else
	echo "lint: OK"
fi
exit $status
