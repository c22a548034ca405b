#!/usr/bin/env bash
# `npm start`: this package inside a real n8n, against the local Unifically simulator.
#
#   npm start                 build, install n8n (first time only), start simulator + n8n on :5678
#   npm start -- --reset      forget the demo's n8n data (.demo/) and start afresh
#
# Environment: DEMO_PORT (n8n, default 5678), SIM_PORT (simulator, default 4010),
# SIM_LATENCY_MS (how long a simulated task takes, default 3000), DEMO_DIR (default .demo).
# Ctrl-C stops everything this script started.
set -Eeuo pipefail
# Safety net: a command that fails where no explicit message is given still says where and what
# (only in the script's own shell, not in the subshells of $(…), so it is said once).
trap 'rc=$?; [ "$BASHPID" = "$$" ] && printf "\ndemo: stopped: line %s: \"%s\" failed (exit %s)\n" "$LINENO" "$BASH_COMMAND" "$rc" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO_DIR="${DEMO_DIR:-$ROOT/.demo}"
SHOW_DIR="${DEMO_DIR#"$ROOT"/}" # as printed to the user
DEMO_PORT="${DEMO_PORT:-5678}"
SIM_PORT="${SIM_PORT:-4010}"
SIM_LATENCY_MS="${SIM_LATENCY_MS:-3000}"
OWNER_EMAIL="demo@example.com"
OWNER_PASSWORD="Demo-Passw0rd"
CREDENTIAL_ID="unifSimulator001"
CREDENTIAL_NAME="Unifically (simulator)"

bold=$'\e[1m'; dim=$'\e[2m'; green=$'\e[32m'; reset=$'\e[0m'
[ -t 1 ] || { bold=; dim=; green=; reset=; }
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\n%sdemo: %s%s\n' "$bold" "$*" "$reset" >&2; exit 1; }

for arg in "$@"; do
	case "$arg" in
		--reset) RESET=1 ;;
		-h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown option $arg (try --help)" ;;
	esac
done

# ---- 1. dependencies of this repository (a fresh clone has none) --------------------------------
if [ ! -x node_modules/.bin/tsc ]; then
	step "Installing this repository's dependencies (npm ci; first run only)"
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund || die "npm ci failed (see npm's messages above)"
	else
		npm install --no-audit --no-fund || die "npm install failed (see npm's messages above)"
	fi
fi
# Node 24+ for n8n 2.x (the system's, or one installed into .cache/ by scripts/ensure-node.sh).
# shellcheck source=scripts/n8n.sh
. "$ROOT/scripts/n8n.sh"

# ---- processes we start, stopped on exit / Ctrl-C ------------------------------------------------
SIM_PID=""
N8N_PID=""
cleanup() {
	# A second Ctrl-C (npm forwards the terminal's SIGINT too) must not cut the clean-up short.
	trap '' INT TERM
	trap - EXIT ERR
	local stopped=""
	if [ -n "$N8N_PID" ] && kill -0 "$N8N_PID" 2>/dev/null; then
		printf '\n%s==> Stopping n8n%s\n' "$bold" "$reset"
		kill -TERM -- "-$N8N_PID" 2>/dev/null || kill -TERM "$N8N_PID" 2>/dev/null || true
		for _ in $(seq 1 40); do kill -0 "$N8N_PID" 2>/dev/null || break; sleep 0.5; done
		kill -KILL -- "-$N8N_PID" 2>/dev/null || true
		stopped="n8n"
	fi
	# The simulator is in the terminal's process group: a Ctrl-C may have stopped it already.
	if [ -n "$SIM_PID" ]; then
		kill -TERM "$SIM_PID" 2>/dev/null || true
		for _ in $(seq 1 10); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.3; done
		kill -KILL "$SIM_PID" 2>/dev/null || true
		stopped="${stopped:+$stopped and }the simulator"
	fi
	[ -n "$stopped" ] && printf '    stopped %s. Your demo data stays in %s (npm start -- --reset to start afresh).\n' "$stopped" "$DEMO_DIR"
}
trap cleanup EXIT
trap 'printf "\n%sdemo: interrupted (Ctrl-C)%s\n" "$bold" "$reset" >&2; exit 130' INT
trap 'printf "\n%sdemo: terminated (SIGTERM)%s\n" "$bold" "$reset" >&2; exit 143' TERM

port_in_use "$DEMO_PORT" && die "port $DEMO_PORT is in use (another n8n?). Stop it, or run: DEMO_PORT=5680 npm start"
port_in_use "$SIM_PORT" && die "port $SIM_PORT is in use (another simulator?). Stop it, or run: SIM_PORT=4011 npm start"

# ---- 2. build and pack this package ---------------------------------------------------------------
step "Building the package (npm run build)"
npm run build --silent >/dev/null || die "npm run build failed (run it alone to see why)"
mkdir -p "$DEMO_DIR/pack" "$DEMO_DIR/logs"
rm -f "$DEMO_DIR"/pack/*.tgz
packed=$(npm pack --silent --pack-destination "$DEMO_DIR/pack" | tail -1) || die "npm pack failed (run it alone to see why)"
TGZ="$DEMO_DIR/pack/$packed"
[ -f "$TGZ" ] || die "npm pack did not write $TGZ"
info "packed $(basename "$TGZ")"

# ---- 3. n8n itself (downloaded once into .cache/n8n) ----------------------------------------------
step "Getting n8n (the first run downloads it into .cache/n8n: several minutes)"
bash "$ROOT/scripts/ensure-n8n.sh" || die "installing n8n into .cache/n8n failed (see the [ensure-n8n] lines above)"

# ---- 4. the demo's n8n user folder, with this package installed as a community package ----------
if [ "${RESET:-}" = 1 ] && [ -d "$DEMO_DIR/.n8n" ]; then
	step "Resetting the demo's n8n data ($DEMO_DIR/.n8n)"
	rm -rf "$DEMO_DIR/.n8n" "$DEMO_DIR/unifically-results"
fi
n8n_env "$DEMO_DIR" "$DEMO_PORT" "$DEMO_DIR"
export N8N_CLI_LOG="$DEMO_DIR/logs/setup.log"
: >"$N8N_CLI_LOG"
mkdir -p "$DEMO_DIR/unifically-results"
step "Installing n8n-nodes-unifically into $DEMO_DIR/.n8n/nodes (npm install --omit=dev, as n8n does)"
n8n_install_package "$TGZ" || die "installing the package failed"

# ---- 5. the simulator -----------------------------------------------------------------------------
step "Starting the Unifically API simulator on http://127.0.0.1:$SIM_PORT"
node dist/simulator/cli.cjs --port "$SIM_PORT" --latency-ms "$SIM_LATENCY_MS" >"$DEMO_DIR/logs/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 120); do
	grep -q "listening" "$DEMO_DIR/logs/simulator.log" 2>/dev/null && break
	kill -0 "$SIM_PID" 2>/dev/null || { cat "$DEMO_DIR/logs/simulator.log" >&2; die "the simulator did not start"; }
	sleep 0.25
done
grep -q "listening" "$DEMO_DIR/logs/simulator.log" ||
	die "the simulator did not say it is listening within 30 s (see $DEMO_DIR/logs/simulator.log)"
info "$(grep -m1 listening "$DEMO_DIR/logs/simulator.log")"

# ---- 6. credential and example workflows -----------------------------------------------------------
step "Creating the credential \"$CREDENTIAL_NAME\" and importing the example workflows"
IMPORT_DIR="$DEMO_DIR/import"
rm -rf "$IMPORT_DIR" && mkdir -p "$IMPORT_DIR/workflows"
cat >"$IMPORT_DIR/credentials.json" <<EOF
[{ "id": "$CREDENTIAL_ID", "name": "$CREDENTIAL_NAME", "type": "unificallyApi",
   "data": { "apiKey": "sim-demo-key", "baseUrl": "http://127.0.0.1:$SIM_PORT", "uploadUrl": "http://127.0.0.1:$SIM_PORT/upload", "requestsPerSecond": 10 } }]
EOF
n8n_cli import:credentials --input="$IMPORT_DIR/credentials.json" || die "importing the credential failed"
IMPORTED_MARK="$DEMO_DIR/.n8n/.demo-examples-imported" # the port, then the ids of the examples imported
# import_examples [ID...]: the example workflows (all, or those with these ids) into n8n; those that
# start with a Unifically Trigger are published. Sets $imported and $published (the counts).
import_examples() {
	rm -rf "$IMPORT_DIR/workflows" && mkdir -p "$IMPORT_DIR/workflows"
	# The examples are written for http://localhost:5678; follow DEMO_PORT if it differs.
	node scripts/demo-examples.js copy "$IMPORT_DIR/workflows" "$DEMO_PORT" "$@" || die "copying the examples failed"
	n8n_cli import:workflow --separate --input="$IMPORT_DIR/workflows" || die "importing the examples failed"
	local ids id
	ids=$(node scripts/demo-examples.js published "$@") || die "reading the examples failed"
	for id in $ids; do
		n8n_cli publish:workflow --id="$id" || die "publishing the example workflow $id failed"
	done
	imported=$(find "$IMPORT_DIR/workflows" -name '*.json' | wc -l)
	published=$(echo $ids | wc -w)
}
# The examples hold n8n's own URL (the trigger's Callback URL): import them again when the port changed.
previous_port=""
if [ -f "$IMPORTED_MARK" ]; then previous_port=$(head -1 "$IMPORTED_MARK"); fi
if [ -f "$IMPORTED_MARK" ] && [ "$previous_port" != "$DEMO_PORT" ]; then
	info "the examples were imported for another port (${previous_port:-an earlier version of this script}): importing them again for $DEMO_PORT"
	rm -f "$IMPORTED_MARK"
fi
if [ ! -f "$IMPORTED_MARK" ]; then
	import_examples
	{ echo "$DEMO_PORT"; node scripts/demo-examples.js ids; } >"$IMPORTED_MARK" || die "writing $IMPORTED_MARK failed"
	info "imported $imported example workflows; published $published (the one(s) starting with a Unifically Trigger)"
else
	# Imported once, so that your edits survive; examples added to examples/ since then are imported now.
	known=$(tail -n +2 "$IMPORTED_MARK")
	if [ -z "$known" ]; then
		# Written by an earlier version of this script (the port only): ask n8n which workflows it has.
		list_log="$DEMO_DIR/logs/list-workflows.log"
		: >"$list_log"
		N8N_CLI_LOG="$list_log" n8n_cli list:workflow --onlyId || die "listing the demo's workflows failed"
		known=$(grep -oE '^[A-Za-z0-9]{16}$' "$list_log" || true)
	fi
	# shellcheck disable=SC2086 # one id per word
	added=$(node scripts/demo-examples.js missing $known) || die "reading the examples failed"
	if [ -n "$added" ]; then
		# shellcheck disable=SC2086
		import_examples $added
		info "examples were imported on an earlier start; imported the $imported added to examples/ since then (npm start -- --reset to import all afresh)"
	else
		info "examples were imported on an earlier start (npm start -- --reset to import them afresh)"
	fi
	{ echo "$DEMO_PORT"; echo "$known"; echo "$added"; } | grep -v '^$' >"$IMPORTED_MARK.new" && mv "$IMPORTED_MARK.new" "$IMPORTED_MARK" ||
		die "writing $IMPORTED_MARK failed"
fi
# Files the examples read by a path relative to n8n's working folder ($SHOW_DIR, which n8n_env lets
# "Read/Write Files from Disk" read: N8N_RESTRICT_FILE_ACCESS_TO): the scheduled batch's prompts and
# the picture of local-picture-to-video. Samples, copied once: yours stay when you replace them.
for file in unifically-prompts.csv unifically-picture.png; do
	[ -f "$DEMO_DIR/$file" ] || cp "examples/$file" "$DEMO_DIR/$file" || die "copying examples/$file to $DEMO_DIR failed"
done

# ---- 7. n8n ------------------------------------------------------------------------------------------
step "Starting n8n on http://localhost:$DEMO_PORT (log: $SHOW_DIR/logs/n8n.log)"
started=$(date +%s)
# In its own process group (setsid), so that stopping it also stops its task runner; working
# folder .demo, so that the examples' relative file paths (unifically-results/…) land there.
# Its task broker on a free port: the default (5679) is taken by any other n8n on this machine.
broker_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})") ||
	die "could not find a free port for n8n's task broker"
# macOS has no setsid command: perl's POSIX::setsid (perl ships with macOS) does the same.
new_session() {
	if command -v setsid >/dev/null 2>&1; then exec setsid "$@"; fi
	exec perl -MPOSIX -e 'POSIX::setsid() or die "setsid: $!\n"; exec @ARGV or die "exec $ARGV[0]: $!\n"' "$@"
}
(cd "$DEMO_DIR" && export N8N_RUNNERS_BROKER_PORT="$broker_port" && new_session "$N8N_BIN" start) >"$DEMO_DIR/logs/n8n.log" 2>&1 &
N8N_PID=$!
if ! wait_for_url "http://127.0.0.1:$DEMO_PORT/healthz/readiness" 240 "$N8N_PID"; then
	tail -30 "$DEMO_DIR/logs/n8n.log" >&2
	die "n8n did not start (see $DEMO_DIR/logs/n8n.log)"
fi
info "n8n is up after $(( $(date +%s) - started )) s"

# The owner account, so there is something to log in with (only the first time; later starts keep it).
owner_status=$(curl -s -o "$DEMO_DIR/logs/owner-setup.json" -w '%{http_code}' -X POST \
	-H 'content-type: application/json' "http://127.0.0.1:$DEMO_PORT/rest/owner/setup" \
	-d "{\"email\":\"$OWNER_EMAIL\",\"firstName\":\"Demo\",\"lastName\":\"User\",\"password\":\"$OWNER_PASSWORD\"}" || true)
if [ "$owner_status" = 200 ]; then
	touch "$DEMO_DIR/.n8n/.demo-owner-created"
fi
if [ -f "$DEMO_DIR/.n8n/.demo-owner-created" ]; then
	login="Log in as ${bold}$OWNER_EMAIL${reset} / password ${bold}$OWNER_PASSWORD${reset}"
else
	login="Log in with the owner account you created in this demo's n8n earlier"
fi

# The trigger's production webhook registers a few seconds after n8n is ready: wait for it (≤ 30 s).
webhooks=$(node scripts/demo-examples.js webhooks "$DEMO_PORT") || die "reading the examples failed"
for url in $webhooks; do
	for _ in $(seq 1 60); do
		allowed=$(curl -s -o /dev/null -D - -X OPTIONS -H "Origin: http://localhost:$DEMO_PORT" \
			-H 'Access-Control-Request-Method: POST' "${url/localhost/127.0.0.1}" |
			tr -d '\r' | grep -i '^access-control-allow-methods:' || true)
		case "$allowed" in *POST*) break ;; esac
		sleep 0.5
	done
done
guide=$(node scripts/demo-examples.js guide) || die "reading the examples failed"

cat <<EOF

${green}${bold}Ready.${reset} Open ${bold}http://localhost:$DEMO_PORT${reset} in your browser.
    $login

$guide
  (unifically-results/ is ${bold}$SHOW_DIR/unifically-results/${reset}; the files the examples read,
  unifically-picture.png and unifically-prompts.csv, are in $SHOW_DIR/ too.)

  Everything talks to the local simulator (credential "${CREDENTIAL_NAME}" → http://127.0.0.1:$SIM_PORT,
  tasks take ${SIM_LATENCY_MS} ms, nothing is charged). To go live, create a credential with your real
  API key and Base URL https://api.unifically.com.
  Trigger production URL: ${webhooks//$'\n'/, }
  ${dim}Logs: $SHOW_DIR/logs/n8n.log, $SHOW_DIR/logs/simulator.log. n8n data: $SHOW_DIR/.n8n${reset}

Press ${bold}Ctrl-C${reset} to stop n8n and the simulator.
EOF

# Stay until Ctrl-C, or until n8n or the simulator stops on its own.
while kill -0 "$N8N_PID" 2>/dev/null && kill -0 "$SIM_PID" 2>/dev/null; do
	sleep 1
done
if ! kill -0 "$N8N_PID" 2>/dev/null; then
	tail -20 "$DEMO_DIR/logs/n8n.log" >&2
	die "n8n stopped unexpectedly (see $DEMO_DIR/logs/n8n.log)"
fi
tail -20 "$DEMO_DIR/logs/simulator.log" >&2
die "the simulator stopped unexpectedly (see $DEMO_DIR/logs/simulator.log)"
