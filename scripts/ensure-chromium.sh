#!/usr/bin/env bash
# Make sure Debian's Chromium is installed (/usr/bin/chromium): the browser tests
# (test/e2e/*.browser.test.cts) drive the real n8n editor in it with playwright-core.
#
# Idempotent: returns at once when /usr/bin/chromium runs. Otherwise installs the Debian package
# (as root; `apt-get update` first only when the package is unknown), which needs network access
# to the Debian mirrors. Set CHROMIUM=/path/to/chromium to use another build.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
log() { printf '[ensure-chromium] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
	exit 0
fi
if [ "$CHROMIUM" != /usr/bin/chromium ]; then
	log "CHROMIUM=$CHROMIUM does not run ($CHROMIUM --version failed)"
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	log "$CHROMIUM is missing and there is no apt-get here: install Chromium, or set CHROMIUM=/path/to/chromium"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	log "$CHROMIUM is missing: run as root (or: sudo apt-get install -y chromium)"
	exit 1
fi

log "installing Debian's chromium (apt-get install -y chromium; first run only)..."
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
	apt-get update -qq || { log "apt-get update failed"; exit 1; }
fi
apt-get install -y -qq --no-install-recommends chromium >/tmp/ensure-chromium.log 2>&1 || {
	log "apt-get install chromium failed; last lines of /tmp/ensure-chromium.log:"
	tail -20 /tmp/ensure-chromium.log >&2
	exit 1
}
"$CHROMIUM" --version >/dev/null 2>&1 || { log "chromium was installed but '$CHROMIUM --version' fails"; exit 1; }
log "$("$CHROMIUM" --version) ready"
