#!/usr/bin/env bash
# Make sure a working n8n (the version below) is installed in the git-ignored .cache/, built for
# the Node 24+ scripts/ensure-node.sh gives: the default version (2.41.1) in .cache/n8n, any other
# version in .cache/n8n-<version>.
#
# Idempotent: when n8n is already there and its native modules load, this returns at once.
# The first run downloads n8n from the npm registry (~2.5 GB, a few minutes) and compiles sqlite3.
#
#   scripts/ensure-n8n.sh            # install if missing, verify
#   N8N_VERSION=1.123.81 scripts/ensure-n8n.sh   # the 1.x line, in .cache/n8n-1.123.81
#   scripts/ensure-n8n.sh 1.123.81                # same
#   N8N_CACHE_DIR=<folder> scripts/ensure-n8n.sh  # check the n8n that folder holds (never replaced
#                                                 # by another version: asking for one stops)
#
# Why not a plain `npm install n8n`: npm runs install scripts of n8n's 2,000+ dependencies under the
# machine's Node (20 here), some of which download binaries (not possible offline) or fail. So we
# install with --ignore-scripts and then build only the two native modules n8n needs at run time
# (sqlite3, isolated-vm) with Node 24 first on PATH and Node 24's own headers (an npmrc may point
# node-gyp at another Node's headers, e.g. /usr, which would give a module Node 24 refuses to load).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_VERSION=2.41.1
REQUESTED_VERSION="${1:-${N8N_VERSION:-}}"

# The version of n8n in a folder, read from its package.json ('' when there is none).
version_in() {
	sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$1/node_modules/n8n/package.json" 2>/dev/null | head -1 || true
}

if [ -n "${N8N_CACHE_DIR:-}" ]; then
	# An explicit folder is checked, never switched to another version behind its owner's back: with
	# no version asked for, the one it holds is the one to check; a different version asked for stops.
	CACHE_DIR="$N8N_CACHE_DIR"
	held="$(version_in "$CACHE_DIR")"
	N8N_VERSION="${REQUESTED_VERSION:-${held:-$DEFAULT_VERSION}}"
	if [ -n "$held" ] && [ "$held" != "$N8N_VERSION" ]; then
		printf '[ensure-n8n] N8N_CACHE_DIR=%s holds n8n %s, not the %s asked for: not replacing it. Unset N8N_CACHE_DIR (each version has its own .cache/n8n-<version>) or ask for %s.\n' \
			"$CACHE_DIR" "$held" "$N8N_VERSION" "$held" >&2
		exit 1
	fi
else
	N8N_VERSION="${REQUESTED_VERSION:-$DEFAULT_VERSION}"
	if [ "$N8N_VERSION" = "$DEFAULT_VERSION" ]; then
		CACHE_DIR="$ROOT/.cache/n8n"
	else
		CACHE_DIR="$ROOT/.cache/n8n-$N8N_VERSION"
	fi
fi
N8N_BIN="$CACHE_DIR/node_modules/.bin/n8n"
STAMP="$CACHE_DIR/.ready-$N8N_VERSION"

log() { printf '[ensure-n8n] %s\n' "$*" >&2; }

. "$ROOT/scripts/node24.sh" "[ensure-n8n]" || exit 1

# node-gyp builds against this Node's own headers when its install has them (official builds and
# the node-<os>-<arch> packages do); otherwise node-gyp fetches the headers for its version.
NODE_PREFIX="$(dirname "$N8N_NODE_BIN_DIR")"
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi

# Fast path: installed, built and verified before (and still that version), for this Node's ABI
# (the stamp holds the ABI it was built for; the system's Node may be another major than last time).
ABI=$(node -p 'process.versions.modules')
if [ -f "$STAMP" ] && [ -x "$N8N_BIN" ] && [ "$(version_in "$CACHE_DIR")" = "$N8N_VERSION" ]; then
	built_for=$(cat "$STAMP" 2>/dev/null || true)
	if [ -z "$built_for" ] || [ "$built_for" = "$ABI" ]; then exit 0; fi
fi

mkdir -p "$CACHE_DIR"
cd "$CACHE_DIR"
# n8n 1.x depends on `xlsx` as a tarball from cdn.sheetjs.com, a host outside the npm registry (not
# reachable from CI sandboxes or offline mirrors): pin it to the registry's last xlsx (0.18.5), which
# n8n 1.x's spreadsheet code runs with. The override lives in this folder's own package.json.
[ -f package.json ] || printf '{"name":"n8n-cache","private":true}\n' > package.json
case "$N8N_VERSION" in
	1.*)
		node -e '
			const fs = require("fs");
			const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
			if (pkg.overrides?.xlsx !== "0.18.5") {
				pkg.overrides = { ...pkg.overrides, xlsx: "0.18.5" };
				fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
			}' || { log "could not write the xlsx override into $CACHE_DIR/package.json"; exit 1; }
		;;
esac

installed_version() {
	node -p "try{require('./node_modules/n8n/package.json').version}catch(e){''}" 2>/dev/null || true
}

# Another npm install running in this folder (e.g. started by someone else): wait for it.
other_install_running() {
	local pid
	for pid in $(pgrep -f "npm (install|i|ci|rebuild)( |$)" 2>/dev/null || true); do
		[ "$pid" = "$$" ] && continue
		[ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$CACHE_DIR" ] && return 0
	done
	return 1
}
wait_for_other_install() {
	local waited=0
	while other_install_running; do
		[ $((waited % 30)) -eq 0 ] && log "another npm install is running in $CACHE_DIR; waiting ($waited s)..."
		sleep 5
		waited=$((waited + 5))
	done
}
wait_for_other_install

if [ "$(installed_version)" != "$N8N_VERSION" ] || [ ! -x "$N8N_BIN" ]; then
	log "Installing n8n@$N8N_VERSION into $CACHE_DIR (first run only: ~2.5 GB download, several minutes)..."
	LOG_FILE="$CACHE_DIR/install.log"
	start=$(date +%s)
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION" >"$LOG_FILE" 2>&1 &
	npm_pid=$!
	# Progress: npm first resolves the tree (quiet), then writes ~2.8 GB into node_modules.
	while kill -0 "$npm_pid" 2>/dev/null; do
		sleep 15
		kill -0 "$npm_pid" 2>/dev/null || break
		mb=$(du -sm node_modules 2>/dev/null | cut -f1 || true)
		log "  ... $(( $(date +%s) - start )) s: ${mb:-0} MB of ~2800 MB unpacked"
	done
	if ! wait "$npm_pid"; then
		log "npm install failed; last lines of $LOG_FILE:"
		tail -30 "$LOG_FILE" >&2
		exit 1
	fi
	log "n8n@$N8N_VERSION downloaded in $(( $(date +%s) - start )) s"
fi

# Native modules, built for Node 24 with Node 24's headers.
if ! node -e "require('./node_modules/sqlite3'); require('./node_modules/isolated-vm')" >/dev/null 2>&1; then
	log "Building native modules (sqlite3, isolated-vm) for Node $(node --version) (~2 min)..."
	start=$(date +%s)
	# --ignore-scripts=false: under `npm start` / `npm test` npm passes the repository's
	# ignore-scripts=true (.npmrc) on as npm_config_ignore_scripts, and the rebuild would build nothing.
	if ! npm rebuild sqlite3 isolated-vm --foreground-scripts --ignore-scripts=false \
		>"$CACHE_DIR/rebuild.log" 2>&1; then
		log "npm rebuild failed; last lines of $CACHE_DIR/rebuild.log:"
		tail -30 "$CACHE_DIR/rebuild.log" >&2
		exit 1
	fi
	log "native modules built in $(( $(date +%s) - start )) s"
fi

# npm 11 may skip install scripts it has not been told to allow, and still exit 0: check the result.
if ! ls node_modules/sqlite3/build/Release/node_sqlite3.node >/dev/null 2>&1; then
	log "sqlite3 was not built (no node_modules/sqlite3/build/Release/node_sqlite3.node); see $CACHE_DIR/rebuild.log"
	exit 1
fi
if ! node -e "require('./node_modules/sqlite3'); require('./node_modules/isolated-vm')"; then
	log "sqlite3 or isolated-vm does not load under Node $(node --version); see $CACHE_DIR/rebuild.log"
	exit 1
fi

version="$("$N8N_BIN" --version)"
if [ "$version" != "$N8N_VERSION" ]; then
	log "n8n --version printed '$version', expected $N8N_VERSION"
	exit 1
fi
rm -f "$CACHE_DIR"/.ready-*
echo "$ABI" >"$STAMP"
log "n8n $version ready ($N8N_BIN, Node $(node --version))"
