# Sourced by the scripts that run n8n or n8n-core: Node 24+ for n8n 2.x first on PATH (the system's
# when new enough, else one installed into .cache/ by scripts/ensure-node.sh), exported as
# N8N_NODE_BIN_DIR, with the repository's node_modules/.bin before it.
#   . scripts/node24.sh PREFIX || exit 1     (PREFIX starts the message when there is no Node 24)
_node24_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# npm run by another Node reads its global npmrc from that Node's folder: keep the system npm's
# (a registry, proxy or cafile set there must apply to installs under Node 24 too).
if [ -z "${npm_config_globalconfig:-}" ]; then
	npm_config_globalconfig=$(npm config get globalconfig 2>/dev/null || true)
	if [ -n "$npm_config_globalconfig" ]; then export npm_config_globalconfig; fi
fi
if ! N8N_NODE_BIN_DIR=$(bash "$_node24_root/scripts/ensure-node.sh"); then
	echo "${1:+$1 }no Node 24 for n8n 2.x (see the [ensure-node] lines above)" >&2
	return 1
fi
export N8N_NODE_BIN_DIR
export PATH="$_node24_root/node_modules/.bin:$N8N_NODE_BIN_DIR:$PATH"
