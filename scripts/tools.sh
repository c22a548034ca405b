#!/usr/bin/env bash
# Where the end-to-end suites' outside programs are, on any machine: source it (. scripts/tools.sh).
# Each function prints what it found and returns 1 (printing nothing) when there is none.
#
#   find_pg_bin        folder with initdb and pg_ctl: $PG_BIN, else initdb on PATH, else
#                      `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin (Debian,
#                      Ubuntu), Homebrew's postgresql@* (/opt/homebrew, /usr/local) or Postgres.app
#   find_redis_server  $REDIS_SERVER, else redis-server on PATH (Homebrew's bin included)
#   find_chromium      $CHROMIUM, $CHROME_PATH or $CHROME_BIN, else chromium, chromium-browser,
#                      google-chrome(-stable) on PATH, else Chrome or Chromium in /Applications (macOS)
#
# A server that runs already can be used instead of starting our own: TEST_POSTGRES_URL
# (postgres://user:password@host:port/database) and TEST_REDIS_URL (redis://host:port), as the CI
# workflow does with its service containers; scripts/check-tools.sh then looks for no binaries.

_runs() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

find_pg_bin() {
	local dir candidate
	if [ -n "${PG_BIN:-}" ]; then
		_runs "$PG_BIN/initdb" && { echo "$PG_BIN"; return 0; }
		return 1 # asked for explicitly: do not silently take another
	fi
	if candidate=$(command -v initdb 2>/dev/null) && _runs "$candidate"; then
		dirname "$candidate"
		return 0
	fi
	if command -v pg_config >/dev/null 2>&1 && dir=$(pg_config --bindir 2>/dev/null) && _runs "$dir/initdb"; then
		echo "$dir"
		return 0
	fi
	# Newest version first (sort -V on the folder names).
	for dir in $(ls -d /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin \
		/Applications/Postgres.app/Contents/Versions/*/bin 2>/dev/null | sort -rV); do
		_runs "$dir/initdb" && { echo "$dir"; return 0; }
	done
	return 1
}

find_redis_server() {
	local candidate
	if [ -n "${REDIS_SERVER:-}" ]; then
		_runs "$REDIS_SERVER" && { echo "$REDIS_SERVER"; return 0; }
		return 1
	fi
	for candidate in "$(command -v redis-server 2>/dev/null || true)" /opt/homebrew/bin/redis-server /usr/local/bin/redis-server; do
		_runs "$candidate" && { echo "$candidate"; return 0; }
	done
	return 1
}

find_chromium() {
	local candidate name
	for name in CHROMIUM CHROME_PATH CHROME_BIN; do
		candidate="${!name:-}"
		[ -z "$candidate" ] && continue
		_runs "$candidate" && { echo "$candidate"; return 0; }
		return 1 # asked for explicitly: do not silently take another
	done
	for name in chromium chromium-browser google-chrome google-chrome-stable; do
		candidate=$(command -v "$name" 2>/dev/null || true)
		_runs "$candidate" && { echo "$candidate"; return 0; }
	done
	for candidate in "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
		_runs "$candidate" && { echo "$candidate"; return 0; }
	done
	return 1
}
