#!/usr/bin/env bash
# The IBIAS Portal's two commands (see README):
#   npm start   → scripts/portal.sh start   install what is missing, build, run the portal
#   npm test    → scripts/portal.sh test    provision the machine (scripts/provision.sh), then
#                                           everything CI runs
# plus `scripts/portal.sh setup` (install only) and `scripts/portal.sh build` (build only).
set -euo pipefail
shopt -s nullglob

IBIAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export IBIAS_ROOT
cd "$IBIAS_ROOT"
# shellcheck source=scripts/toolchain.sh
source "$IBIAS_ROOT/scripts/toolchain.sh"
# shellcheck source=scripts/prometheus-embedded.sh
source "$IBIAS_ROOT/scripts/prometheus-embedded.sh"

export IBIAS_DATA_DIR="${IBIAS_DATA_DIR:-$IBIAS_ROOT/data}"
export IBIAS_PORT="${IBIAS_PORT:-7007}"
export IBIAS_BASE_URL="${IBIAS_BASE_URL:-http://localhost:$IBIAS_PORT}"

timer_start() { TIMER_START=$SECONDS; }
timer_report() { ibias_log "$1 took $((SECONDS - TIMER_START)) s"; }

# Install dependencies unless node_modules already matches yarn.lock and package.json files.
# The functions return on the first failure themselves: they run inside `&&` lists (and
# `if`), where `set -e` does not stop them.
setup() {
  ibias_toolchain || return 1
  local stamp="node_modules/.ibias-install-stamp"
  local want manifests
  manifests=(yarn.lock package.json packages/*/package.json)
  [ -d plugins ] && manifests+=(plugins/*/package.json)
  want=$( (node --version && cat "${manifests[@]}") | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    ibias_log "dependencies are up to date"
    return
  fi
  timer_start
  ibias_log "installing dependencies (yarn install --immutable)"
  if [ -n "${CI:-}" ]; then
    yarn install --immutable || return 1
  else
    yarn install || return 1
  fi
  # Native addons must match the Node that runs them: rebuild them after a switch of Node.
  if [ -f "$stamp.node" ] && [ "$(cat "$stamp.node")" != "$(node --version)" ]; then
    ibias_log "Node changed since the last install: rebuilding native addons"
    yarn rebuild || return 1
  fi
  node --version >"$stamp.node"
  echo "$want" >"$stamp"
  timer_report "install"
}

# Build the frontend bundle unless its sources are unchanged since the last build.
build() {
  local stamp="packages/app/dist/.ibias-build-stamp"
  local want
  want=$( (node --version; cat yarn.lock app-config.yaml; find packages/app plugins -path '*/node_modules' -prune -o -path '*/dist' -prune -o -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.json' -o -name '*.html' -o -name '*.css' \) -print0 | sort -z | xargs -0 cat) | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    ibias_log "frontend build is up to date"
    return
  fi
  timer_start
  ibias_log "building the frontend (packages/app)"
  yarn workspace app build || return 1
  echo "$want" >"$stamp"
  timer_report "frontend build"
}

# Start the backend, which serves the built frontend, in the foreground.
# Extra arguments go to the backend (e.g. --config app-config.local.yaml).
run_backend() {
  mkdir -p "$IBIAS_DATA_DIR/sqlite" "$IBIAS_DATA_DIR/work" "$IBIAS_DATA_DIR/techdocs"
  local configs=(--config "$IBIAS_ROOT/app-config.yaml")
  [ -f "$IBIAS_ROOT/app-config.local.yaml" ] && configs+=(--config "$IBIAS_ROOT/app-config.local.yaml")
  # Prometheus for the Metrics tab when it is installed (sets IBIAS_PROMETHEUS_URL); the
  # portal starts without it whatever happens there.
  ibias_prometheus_start "${configs[@]}" "$@" || ibias_log "the embedded Prometheus did not start"
  cd "$IBIAS_ROOT/packages/backend"
  # NODE_ENV=development: the embedded default signs people in as guest, which the guest
  # provider allows only in development.
  export NODE_ENV=development
  exec node "$IBIAS_ROOT/node_modules/@backstage/cli/bin/backstage-cli" package start "${configs[@]}" "$@"
}

# Tells the person at the terminal where to go once the backend answers.
announce_when_ready() {
  local started=$SECONDS
  for _ in $(seq 1 600); do
    if curl -sf "$IBIAS_BASE_URL/.backstage/health/v1/readiness" >/dev/null 2>&1; then
      ibias_log "IBIAS Portal is ready after $((SECONDS - started)) s: open $IBIAS_BASE_URL and press Enter to sign in as guest"
      return
    fi
    sleep 1
  done
}

start() {
  setup || return 1
  build || return 1
  ibias_log "starting the portal on $IBIAS_BASE_URL (state in $IBIAS_DATA_DIR)"
  announce_when_ready &
  run_backend "$@"
}

case "${1:-}" in
  setup) setup ;;
  build) setup && build ;;
  start) shift && start "$@" ;;
  backend) shift && ibias_toolchain && run_backend "$@" ;;
  test)
    shift
    # The machine first (Chromium, Prometheus, PostgreSQL, git): installed as root on Debian;
    # elsewhere this stops within seconds, before the Node download and the install, and
    # still ends with the closing line (the machine is the one failed stage).
    if ! bash "$IBIAS_ROOT/scripts/provision.sh"; then
      echo "0 passed, 1 failed"
      exit 1
    fi
    if ! setup; then
      ibias_log "failed: install (the toolchain or yarn install, above)"
      echo "0 passed, 1 failed"
      exit 1
    fi
    exec bash "$IBIAS_ROOT/scripts/test-all.sh" "$@"
    ;;
  # A benchmark under bench/ on the project's Node (TypeScript through Backstage's transform).
  bench) shift && setup && exec node --require @backstage/cli/config/nodeTransform.cjs "$@" ;;
  *)
    echo "usage: $0 setup|build|start|backend|test|bench" >&2
    exit 2
    ;;
esac
