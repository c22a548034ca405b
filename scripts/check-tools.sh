#!/usr/bin/env bash
# Before the end-to-end suites (scripts/test.sh): are Postgres and Redis (queue mode) and Chromium
# (the editor suite) here? Found on PATH, in the usual folders or through environment variables
# (scripts/tools.sh says which). As root with apt-get (Debian, Ubuntu), what is missing is installed;
# otherwise one message names everything missing, with the command that installs it, and exits 1.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tools.sh
. "$ROOT/scripts/tools.sh"

log() { printf '[check-tools] %s\n' "$*" >&2; }

# One pass: names of what is missing, and the Debian packages that give them.
missing=() packages=()
look() {
	missing=() packages=()
	if [ -z "${TEST_POSTGRES_URL:-}" ] && ! find_pg_bin >/dev/null; then
		if [ -n "${PG_BIN:-}" ]; then missing+=("Postgres: PG_BIN=$PG_BIN has no initdb that runs (fix or unset PG_BIN)")
		else missing+=("Postgres: initdb is not on PATH, not in pg_config --bindir, not in /usr/lib/postgresql/*/bin"); packages+=(postgresql); fi
	fi
	if [ -z "${TEST_REDIS_URL:-}" ] && ! find_redis_server >/dev/null; then
		if [ -n "${REDIS_SERVER:-}" ]; then missing+=("Redis: REDIS_SERVER=$REDIS_SERVER does not run (fix or unset REDIS_SERVER)")
		else missing+=("Redis: redis-server is not on PATH"); packages+=(redis-server); fi
	fi
	if ! find_chromium >/dev/null; then
		local set_by="" name
		for name in CHROMIUM CHROME_PATH CHROME_BIN; do [ -n "${!name:-}" ] && { set_by="$name=${!name}"; break; }; done
		if [ -n "$set_by" ]; then missing+=("Chromium: $set_by does not run (fix or unset it)")
		else missing+=("Chromium or Chrome: none of chromium, chromium-browser, google-chrome on PATH"); packages+=(chromium); fi
	fi
}

look
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && [ ${#packages[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
	log "installing what the end-to-end suites need: apt-get install -y ${packages[*]} (first run only)"
	export DEBIAN_FRONTEND=noninteractive
	install_log=$(mktemp)
	if ! apt-get install -y -qq --no-install-recommends "${packages[@]}" >"$install_log" 2>&1; then
		apt-get update -qq >>"$install_log" 2>&1 || true
		if ! apt-get install -y -qq --no-install-recommends "${packages[@]}" >>"$install_log" 2>&1; then
			log "apt-get install ${packages[*]} failed; last lines:"
			tail -20 "$install_log" >&2
			rm -f "$install_log"
			exit 1
		fi
	fi
	rm -f "$install_log"
	look
	[ ${#missing[@]} -eq 0 ] && { log "installed what was missing"; exit 0; }
fi

{
	echo
	echo "The end-to-end suites need programs this machine does not have (or cannot run):"
	for what in "${missing[@]}"; do echo "  - $what"; done
	echo
	if [ ${#packages[@]} -eq 0 ]; then
		: # only settings to fix, said above
	elif command -v apt-get >/dev/null 2>&1; then
		echo "Install them, then run npm test again:"
		echo "    sudo apt-get install -y ${packages[*]}"
	elif [ "$(uname -s)" = Darwin ]; then
		echo "Install them, then run npm test again:"
		brew=()
		for package in "${packages[@]}"; do
			case "$package" in postgresql) brew+=(postgresql@16) ;; redis-server) brew+=(redis) ;; esac
		done
		[ ${#brew[@]} -gt 0 ] && echo "    brew install ${brew[*]}"
		case " ${packages[*]} " in *" chromium "*) echo "    brew install --cask google-chrome   (or set CHROME_PATH to a Chrome or Chromium)" ;; esac
	else
		echo "Install your system's packages for: ${packages[*]}, then run npm test again."
	fi
	echo "or point at them: PG_BIN=<folder with initdb>, REDIS_SERVER=<redis-server>, CHROME_PATH=<browser>;"
	echo "or use servers that run already: TEST_POSTGRES_URL=postgres://user:password@host:port/db, TEST_REDIS_URL=redis://host:port."
	echo "(SKIP_E2E=1 npm test runs everything but the end-to-end suites.)"
} >&2
exit 1
