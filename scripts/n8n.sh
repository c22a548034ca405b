#!/usr/bin/env bash
# Shell helpers for running the n8n in .cache/n8n (installed by scripts/ensure-n8n.sh) on a
# project-local user folder. Source it:   . scripts/n8n.sh
#
#   n8n_env USER_FOLDER PORT [WORK_DIR]   export the environment n8n runs with (see below)
#   n8n_cli ARGS...                       run an n8n command (import:workflow, execute …) quietly
#   n8n_install_package TGZ               install a package tarball into $N8N_USER_FOLDER/.n8n/nodes
#   wait_for_url URL SECONDS [PID]        poll until URL answers 2xx (gives up if PID dies)
#   port_in_use PORT                      true if something listens on 127.0.0.1:PORT
#
# The test suite's harness/n8n/n8n.cts sets the same variables.

N8N_HELPERS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N8N_CACHE_DIR="${N8N_CACHE_DIR:-$N8N_HELPERS_ROOT/.cache/n8n}"
N8N_BIN="$N8N_CACHE_DIR/node_modules/.bin/n8n"
# Node 24+ first (scripts/ensure-node.sh): n8n 2.x refuses older Node, and its native modules are
# built for the Node that scripts/ensure-n8n.sh ran on. Sourcing stops the caller when there is none.
. "$N8N_HELPERS_ROOT/scripts/node24.sh" "" || exit 1

# n8n_env USER_FOLDER PORT [WORK_DIR]
n8n_env() {
	local user_folder="$1" port="$2" work_dir="${3:-$1}"
	# Jest and others set NODE_ENV=test, with which n8n prints nothing at all.
	unset NODE_ENV NODE_OPTIONS WEBHOOK_URL
	export N8N_USER_FOLDER="$user_folder"          # data in $N8N_USER_FOLDER/.n8n (sqlite, key, nodes/)
	export N8N_PORT="$port"
	export N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
	export N8N_HOST="${N8N_HOST:-localhost}"
	export N8N_PROTOCOL=http
	export N8N_EDITOR_BASE_URL="http://$N8N_HOST:$port/"
	export N8N_WEBHOOK_URL="http://$N8N_HOST:$port/"  # production webhook URLs shown in the editor
	export N8N_SECURE_COOKIE=false                 # plain http on localhost
	export N8N_DIAGNOSTICS_ENABLED=false           # no telemetry (there is no internet here anyway)
	export N8N_PERSONALIZATION_ENABLED=false       # no survey after the owner signs up
	export N8N_VERSION_NOTIFICATIONS_ENABLED=false
	export N8N_TEMPLATES_ENABLED=false
	export N8N_HIRING_BANNER_ENABLED=false
	export N8N_DISABLED_MODULES=mcp-registry       # it fetches a list from api.n8n.io at start
	export N8N_COMMUNITY_PACKAGES_ENABLED=true     # load packages from .n8n/nodes (the default)
	export N8N_UNVERIFIED_PACKAGES_ENABLED=true    # ours is not verified by n8n: keep loading it
	export N8N_DEFAULT_BINARY_DATA_MODE=filesystem # binary data in .n8n/storage, not in memory
	export N8N_RUNNERS_TASK_TIMEOUT=300            # Code node runner (internal mode); silences a notice
	export N8N_RESTRICT_FILE_ACCESS_TO="$work_dir" # "Read/Write Files from Disk" may use this folder
	export DB_TYPE=sqlite
}

# n8n_cli ARGS... — output goes to $N8N_CLI_LOG (default /dev/null); shown when the command fails.
n8n_cli() {
	local log="${N8N_CLI_LOG:-/dev/null}" broker_port
	# Each CLI command starts its own task broker: keep it off the server's port.
	broker_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
	if ! N8N_RUNNERS_BROKER_PORT="$broker_port" "$N8N_BIN" "$@" >>"$log" 2>&1; then
		echo "n8n $* failed; see $log" >&2
		[ "$log" != /dev/null ] && tail -20 "$log" >&2
		return 1
	fi
}

# n8n_install_package TGZ — the package and its production dependencies only (none: n8n-workflow is
# a peer that n8n provides), into the folder n8n loads community packages from.
n8n_install_package() {
	local tgz="$1" nodes_dir="$N8N_USER_FOLDER/.n8n/nodes"
	mkdir -p "$nodes_dir"
	[ -f "$nodes_dir/package.json" ] || printf '{\n  "name": "installed-nodes",\n  "private": true,\n  "dependencies": {}\n}\n' >"$nodes_dir/package.json"
	(cd "$nodes_dir" && npm install --omit=dev --omit=peer --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error "$tgz" >/dev/null)
}

# wait_for_url URL SECONDS [PID]
wait_for_url() {
	local url="$1" seconds="$2" pid="${3:-}" waited=0
	until curl -sf -o /dev/null "$url"; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
		[ "$waited" -ge $((seconds * 2)) ] && return 1
		sleep 0.5
		waited=$((waited + 1))
	done
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
