#!/usr/bin/env bash
# Postgres and Redis for n8n's queue mode, private to one test run (test/e2e/queue-mode.test.cts):
#
#   bash scripts/queue-services.sh start DIR   # installs what is missing, starts both in DIR (created,
#                                              # must not exist yet) on free local ports, prints
#                                              # PG_PORT=… REDIS_PORT=… (also written to DIR/ports.env)
#   bash scripts/queue-services.sh stop DIR    # stops both and removes DIR
#
# The programs are found as scripts/tools.sh says (any Postgres version: initdb on PATH, pg_config
# --bindir, /usr/lib/postgresql/*/bin, Homebrew; PG_BIN and REDIS_SERVER override). When one is
# missing and we are root with apt-get, the Debian packages postgresql / redis-server are installed;
# otherwise it stops naming the command that installs it. As root, Postgres runs as the `postgres`
# user (it refuses to run as root); as anyone else, as that user. Nothing is written outside DIR; the
# services listen on 127.0.0.1 only; data is thrown away (fsync off, no Redis saves).
# (The tests skip this script when TEST_POSTGRES_URL and TEST_REDIS_URL name running servers.)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tools.sh
. "$ROOT/scripts/tools.sh"

die() {
	echo "queue-services: $*" >&2
	exit 1
}

as_root() { [ "$(id -u)" = 0 ]; }

# apt-get install the given packages when a command is missing.
ensure_packages() {
	local missing_what=$1
	shift
	command -v apt-get >/dev/null || die "$missing_what is not installed (see scripts/check-tools.sh for where it is looked for and how to install it)"
	as_root || die "$missing_what is not installed: sudo apt-get install -y $* (or see scripts/check-tools.sh)"
	export DEBIAN_FRONTEND=noninteractive
	local package
	for package in "$@"; do
		if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
			echo "queue-services: apt-get update (no candidate for $package yet)" >&2
			apt-get update -qq >&2 || die "apt-get update failed"
			break
		fi
	done
	echo "queue-services: apt-get install -y $*" >&2
	apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

free_port() {
	# A port nobody listens on now (the kernel picks it); node is on PATH for every caller of this script.
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' ||
		die "could not find a free port (node missing?)"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Run a command as the postgres user when root (Postgres refuses root), else as ourselves.
as_pg() {
	if as_root; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}

start() {
	local dir=$1
	[ -e "$dir" ] && die "$dir already exists (give a new folder)"
	find_pg_bin >/dev/null || ensure_packages "Postgres (initdb${PG_BIN:+ in PG_BIN=$PG_BIN})" postgresql
	PG_BIN=$(find_pg_bin) || die "Postgres still not found after installing postgresql"
	find_redis_server >/dev/null || ensure_packages "Redis (redis-server${REDIS_SERVER:+: REDIS_SERVER=$REDIS_SERVER})" redis-server
	REDIS_BIN=$(find_redis_server) || die "redis-server still not found after installing it"
	echo "queue-services: $("$PG_BIN/postgres" --version 2>/dev/null || echo "Postgres in $PG_BIN"), $("$REDIS_BIN" --version | cut -d' ' -f1-3)" >&2
	if as_root; then
		id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (the postgresql package creates it)"
	fi

	mkdir -p "$dir/pg" || die "cannot create $dir"
	chmod 755 "$dir" # the postgres user must reach its folders inside
	if as_root; then chown postgres: "$dir/pg" || die "cannot give $dir/pg to the postgres user"; fi

	local pg_port redis_port
	pg_port=${PG_PORT:-$(free_port)} || exit 1
	redis_port=${REDIS_PORT:-$(free_port)} || exit 1

	as_pg "'$PG_BIN/initdb' -D '$dir/pg/data' -A trust -U postgres --no-sync -E UTF8" >"$dir/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -5 "$dir/initdb.log")"
	# fsync off: the data is thrown away after the run, and the 2-core CI machine is busy enough.
	as_pg "'$PG_BIN/pg_ctl' -D '$dir/pg/data' -l '$dir/pg/postgres.log' -w -t 60 start -o \"-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\"" \
		>"$dir/pg_ctl.log" 2>&1 || die "Postgres did not start on port $pg_port: $(tail -5 "$dir/pg/postgres.log" 2>/dev/null || tail -5 "$dir/pg_ctl.log")"

	"$REDIS_BIN" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >"$dir/redis-start.log" 2>&1 ||
		die "redis-server did not start on port $redis_port: $(cat "$dir/redis-start.log")"
	local waited=0
	until port_answers "$redis_port"; do
		[ $waited -ge 100 ] && die "Redis does not answer on port $redis_port after 10 s: $(tail -5 "$dir/redis.log" 2>/dev/null)"
		sleep 0.1
		waited=$((waited + 1))
	done

	printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$pg_port" "$redis_port" | tee "$dir/ports.env"
}

stop() {
	local dir=$1 status=0
	[ -d "$dir" ] || { echo "queue-services: $dir does not exist: nothing to stop" >&2; return 0; }
	if [ -f "$dir/pg/data/postmaster.pid" ]; then
		PG_BIN=$(find_pg_bin) || { echo "queue-services: no Postgres found to stop $dir/pg with" >&2; status=1; }
		as_pg "'$PG_BIN/pg_ctl' -D '$dir/pg/data' -m immediate -w -t 30 stop" >/dev/null 2>&1 ||
			{ echo "queue-services: pg_ctl stop failed" >&2; status=1; }
	fi
	if [ -f "$dir/redis.pid" ]; then
		local pid
		pid=$(cat "$dir/redis.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -rf "$dir" || { echo "queue-services: could not remove $dir" >&2; status=1; }
	return $status
}

case "${1:-}" in
start) [ -n "${2:-}" ] || die "usage: $0 start DIR"; start "$2" ;;
stop) [ -n "${2:-}" ] || die "usage: $0 stop DIR"; stop "$2" ;;
*) die "usage: $0 start DIR | stop DIR" ;;
esac
