#!/usr/bin/env bash
# Prints the path of a Chromium or Chrome that runs (the browser tests, test/e2e/*.browser.test.cts,
# drive the real n8n editor in it with playwright-core; scripts/screenshot-node.js too).
#
# Found as scripts/tools.sh says: $CHROMIUM, $CHROME_PATH or $CHROME_BIN, else chromium,
# chromium-browser, google-chrome(-stable) on PATH, else Chrome/Chromium in /Applications (macOS).
# When there is none and we are root with apt-get, Debian's `chromium` package is installed
# (`apt-get update` first only when the package is unknown); otherwise it stops saying what to do.
# Messages go to stderr; stdout is only the path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tools.sh
. "$ROOT/scripts/tools.sh"
log() { printf '[ensure-chromium] %s\n' "$*" >&2; }

if browser=$(find_chromium); then
	echo "$browser"
	exit 0
fi
for name in CHROMIUM CHROME_PATH CHROME_BIN; do
	if [ -n "${!name:-}" ]; then
		log "$name=${!name} does not run (${!name} --version failed): fix or unset it"
		exit 1
	fi
done
if ! command -v apt-get >/dev/null 2>&1; then
	log "no Chromium or Chrome found: install one (macOS: brew install --cask google-chrome), or set CHROME_PATH=/path/to/browser"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	log "no Chromium or Chrome found: sudo apt-get install -y chromium (or set CHROME_PATH=/path/to/browser)"
	exit 1
fi

log "installing Debian's chromium (apt-get install -y chromium; first run only)..."
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
	apt-get update -qq || { log "apt-get update failed"; exit 1; }
fi
install_log=$(mktemp)
apt-get install -y -qq --no-install-recommends chromium >"$install_log" 2>&1 || {
	log "apt-get install chromium failed; last lines of its output:"
	tail -20 "$install_log" >&2
	exit 1
}
rm -f "$install_log"
browser=$(find_chromium) || { log "chromium was installed but does not run (chromium --version fails)"; exit 1; }
log "$("$browser" --version) ready"
echo "$browser"
