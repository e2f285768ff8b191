#!/usr/bin/env bash
# Everything CI runs, in order: type check, lint, prettier, unit and database tests (SQLite
# and PostgreSQL), frontend build, then the portal is started on a scratch data folder and
# the end-to-end tests run in headless Chromium, across a restart of the backend.
# Ends with one line `N passed, N failed`, summed over every runner (a check that is not a
# test runner, like tsc, counts as one).
# Called through `scripts/portal.sh test`, which has provisioned the machine and set up the
# toolchain and dependencies. A stage that cannot run (no PostgreSQL, a portal that does not
# start) counts as failed and is named before the closing line, which stays the last line.
set -uo pipefail

IBIAS_ROOT="${IBIAS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$IBIAS_ROOT" || exit 1
# shellcheck source=scripts/toolchain.sh
source "$IBIAS_ROOT/scripts/toolchain.sh"
ARTIFACTS="$IBIAS_ROOT/e2e-artifacts"
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS/logs"
export CI="${CI:-true}"

PASSED=0
FAILED=0
FAILURES=()
RUN_START=$SECONDS

count() { # name passed failed
  PASSED=$((PASSED + $2))
  FAILED=$((FAILED + $3))
  if [ "$3" -gt 0 ]; then FAILURES+=("$1 ($3 failed)"); fi
  ibias_log "$1: $2 passed, $3 failed"
}

# A check that is not a test runner counts as one test.
check() { # name command...
  local name=$1 log="$ARTIFACTS/logs/$1.log" start=$SECONDS
  shift
  ibias_log "── $name"
  if "$@" >"$log" 2>&1; then
    count "$name" 1 0
  else
    tail -n 60 "$log"
    count "$name" 0 1
  fi
  ibias_log "$name took $((SECONDS - start)) s"
}

# ── the machine: what the stages below need from it ─────────────────────────────────
# `npm test` has installed it or stopped already; this counts it when that was skipped
# (IBIAS_PROVISION=off, or this script run on its own), so a missing piece is named.
check machine env IBIAS_PROVISION=check bash scripts/provision.sh

# ── PostgreSQL for the database tests ─────────────────────────────────────────────────
PG_URL="${IBIAS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}"
pg_shown=$(printf '%s' "$PG_URL" | sed -E 's#(//[^:/@]*):[^@]*@#\1:***@#') # no password in logs
pg_major=$(node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1] });
  c.connect().then(() => c.query("show server_version_num"))
    .then(r => { console.log(Math.floor(Number(r.rows[0].server_version_num) / 10000)); return c.end(); })
    .catch(() => process.exit(1));' "$PG_URL" 2>/dev/null) || pg_major=""
if [ -n "$pg_major" ]; then
  export IBIAS_TEST_POSTGRES_ID="POSTGRES_$pg_major"
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${pg_major}_CONNECTION_STRING=$PG_URL"
  ibias_log "database tests run on SQLite and PostgreSQL $pg_major ($pg_shown)"
else
  # The database tests would pass on SQLite alone: that is a stage that did not run.
  ibias_log "PostgreSQL is not reachable at $pg_shown: the database tests run on SQLite only (see README)"
  count postgresql 0 1
fi

# ── static checks ─────────────────────────────────────────────────────────────────────
check tsc yarn tsc
check lint yarn lint:all
check prettier yarn prettier --check .
check backstage-versions node scripts/check-backstage-versions.mjs
check openapi-generated node scripts/generate-openapi.mjs --check

# ── unit, component and database tests (Jest) ─────────────────────────────────────────
ibias_log "── jest"
jest_json="$ARTIFACTS/jest-results.json"
yarn backstage-cli repo test --ci --json --outputFile="$jest_json" \
  >"$ARTIFACTS/logs/jest.log" 2>&1
jest_code=$?
if [ -f "$jest_json" ]; then
  read -r jp jf < <(node -e '
    const r = require(process.argv[1]);
    console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);' "$jest_json")
  # A failing exit with no failed test (e.g. a suite that did not compile) still fails.
  if [ "$jest_code" -ne 0 ] && [ "$jf" -eq 0 ]; then jf=1; fi
else
  jp=0 jf=1
fi
[ "$jf" -gt 0 ] && grep -E "✕|●" "$ARTIFACTS/logs/jest.log" | head -40
count jest "$jp" "$jf"

# ── faults: the deployments engine across PostgreSQL outages (issue 11) ─────────────
# On a PostgreSQL server of the stage's own (scripts/pg-fault-cluster.sh; the machine's
# shared one is never stopped), stopped for 30 s at each step boundary of a canary. Not in
# the Jest run above: it takes minutes, and it needs a server it may stop.
# A free port (the server must not meet another left on a fixed one).
fault_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
# Under /tmp, not the checkout: as root the server runs as the postgres user, who may not
# enter the checkout (a fresh clone lives in a private temporary folder).
fault_dir=$(mktemp -d /tmp/ibias-pg-fault.XXXXXX)
export IBIAS_FAULT_PG_DIR="$fault_dir" IBIAS_FAULT_PG_PORT="${IBIAS_FAULT_PG_PORT:-$fault_port}"
export IBIAS_FAULT_PG_CONTROL="$IBIAS_ROOT/scripts/pg-fault-cluster.sh"
ibias_log "── faults"
fault_log="$ARTIFACTS/logs/faults.log"
fault_json="$ARTIFACTS/faults-results.json"
fault_start=$SECONDS
if bash scripts/pg-fault-cluster.sh start >"$fault_log" 2>&1; then
  (cd plugins/ibias-deployments-backend &&
    yarn backstage-cli package test --ci --runInBand --testMatch '**/*.faulttest.ts' \
      --json --outputFile="$fault_json") >>"$fault_log" 2>&1
  fault_code=$?
  if [ -f "$fault_json" ]; then
    read -r fp ff < <(node -e '
      const r = require(process.argv[1]);
      console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);' "$fault_json")
    if [ "$fault_code" -ne 0 ] && [ "$ff" -eq 0 ]; then ff=1; fi
    [ "$fp" -eq 0 ] && [ "$ff" -eq 0 ] && ff=1 # an empty run is a failure
  else
    fp=0 ff=1
  fi
  [ "$ff" -gt 0 ] && grep -E "✕|●" "$fault_log" | head -40
  grep -o "fault timings.*" "$fault_log" | head -1
  count faults "$fp" "$ff"
  cp "$IBIAS_FAULT_PG_DIR/server.log" "$ARTIFACTS/logs/faults-postgres.log" 2>/dev/null
  bash scripts/pg-fault-cluster.sh stop >>"$fault_log" 2>&1
else
  tail -n 20 "$fault_log"
  count faults 0 1
fi
ibias_log "faults took $((SECONDS - fault_start)) s"

# ── the sample services generated from templates/: their own CI checks ───────────────
# (node:test prints "ℹ pass N" / "ℹ fail N"; each service's checks count as they report)
node_test_counts() { # log → "passed failed" from node:test's closing lines
  local p f
  p=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$1" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$1" | tail -1)
  echo "${p:-0} ${f:-0}"
}
for svc in services/*/; do
  # services/releases holds the samples' later releases (patches), not a service.
  [ -f "$svc/package.json" ] || continue
  name="service-$(basename "$svc")"
  ibias_log "── $name"
  log="$ARTIFACTS/logs/$name.log"
  (cd "$svc" && npm ci --no-audit --no-fund && npm run typecheck && npm run lint &&
    npm run format:check && npm test) >"$log" 2>&1
  code=$?
  read -r sp sf < <(node_test_counts "$log")
  # A failing install, type check, lint or format check fails even with no failed test.
  if [ "$code" -ne 0 ] && [ "$sf" -eq 0 ]; then sf=1; tail -n 30 "$log"; fi
  # Name each failed test and its assertion, so a CI log says what broke.
  [ "$sf" -gt 0 ] && grep -A 12 "^ *✖" "$log" | head -60
  [ "$sp" -eq 0 ] && [ "$sf" -eq 0 ] && sf=1
  count "$name" "$sp" "$sf"
  rm -rf "$svc/node_modules" "$svc/dist" "$svc/.next" "$svc/next-env.d.ts" "$svc"/*.tsbuildinfo
done

# ── end to end: the production build served by the backend, in Chromium ──────────────
check build bash scripts/portal.sh build

E2E_PORT="${IBIAS_E2E_PORT:-7107}"
export IBIAS_PORT="$E2E_PORT" IBIAS_BASE_URL="http://localhost:$E2E_PORT"
export IBIAS_DATA_DIR="$ARTIFACTS/data"
export PLAYWRIGHT_URL="$IBIAS_BASE_URL"
BACKEND_PID=""

start_backend() { # log-name [command...] (default: the embedded-default backend)
  local log="$ARTIFACTS/logs/$1.log"
  shift
  [ $# -gt 0 ] || set -- bash scripts/portal.sh backend
  if curl -s -o /dev/null "$IBIAS_BASE_URL"; then
    echo "something already listens on $IBIAS_BASE_URL; stop it or set IBIAS_E2E_PORT / IBIAS_PROD_E2E_PORT" | tee "$log"
    return 1
  fi
  setsid "$@" >"$log" 2>&1 &
  BACKEND_PID=$!
  local deadline=$((SECONDS + 240))
  until curl -sf "$IBIAS_BASE_URL/.backstage/health/v1/readiness" >/dev/null; do
    if [ $SECONDS -gt $deadline ] || ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      tail -n 40 "$log"
      return 1
    fi
    sleep 1
  done
}

stop_backend() {
  [ -n "$BACKEND_PID" ] || return 0
  kill -TERM -- "-$BACKEND_PID" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$BACKEND_PID" 2>/dev/null
  BACKEND_PID=""
}
trap stop_backend EXIT

playwright_run() { # name playwright-args...
  local name=$1
  local json="$ARTIFACTS/$name/results.json"
  shift
  ibias_log "── $name"
  PLAYWRIGHT_OUTPUT_DIR="$ARTIFACTS/$name" yarn playwright test "$@" 2>&1 | tee "$ARTIFACTS/logs/$name.log" | grep -E "✓|✘|passed|failed|Error" | head -40
  if [ -f "$json" ]; then
    read -r pp pf < <(node -e '
      const s = require(process.argv[1]).stats;
      console.log(s.expected, s.unexpected + s.flaky + (require(process.argv[1]).errors || []).length);' "$json")
    [ "$pp" -eq 0 ] && [ "$pf" -eq 0 ] && pf=1 # an empty run is a failure
  else
    pp=0 pf=1
  fi
  count "$name" "$pp" "$pf"
}

# Everything but the tests that need a server of their own (below).
E2E_SKIP='@after-restart|@production|@github|@before-crash|@after-crash|@nobody|@developer|@ai-team|@targets'

e2e_start=$SECONDS
ibias_log "── starting the portal for end-to-end tests on $IBIAS_BASE_URL"
if start_backend backend-1; then
  ibias_log "portal ready after $((SECONDS - e2e_start)) s"
  playwright_run e2e --grep-invert "$E2E_SKIP"
  # A deploy in flight, then a crash: SIGKILL to the backend's whole process group.
  playwright_run e2e-before-crash --grep @before-crash
  kill -KILL -- "-$BACKEND_PID" 2>/dev/null
  wait "$BACKEND_PID" 2>/dev/null # (and no "Killed" job notice)
  BACKEND_PID=""
  restart_start=$SECONDS
  if start_backend backend-2; then
    ibias_log "portal ready again after a crash in $((SECONDS - restart_start)) s"
    playwright_run e2e-after-restart --grep '@after-restart|@after-crash'
    # The same data, with the guest pointed at a user who owns nothing (an APP_CONFIG_
    # variable, as an operator would): every deploy, rollback, abort and approval is 403.
    stop_backend
    nobody_start=$SECONDS
    if APP_CONFIG_auth_providers_guest_userEntityRef=user:default/nora.nobody start_backend backend-nobody; then
      ibias_log "portal with the guest as nora.nobody ready after $((SECONDS - nobody_start)) s"
      playwright_run e2e-nobody --grep @nobody
    else
      count "nobody-start" 0 1
    fi
    # The same data as a developer outside executives and the platform team: no
    # financial KPI in the page or the API (ibias.metrics.business.read). Without
    # Prometheus, so the Metrics tab falls back to the local traffic router's records.
    stop_backend
    developer_start=$SECONDS
    if IBIAS_PROMETHEUS=off APP_CONFIG_auth_providers_guest_userEntityRef=user:default/wes.web start_backend backend-developer; then
      ibias_log "portal with the guest as wes.web ready after $((SECONDS - developer_start)) s"
      playwright_run e2e-developer --grep @developer
    else
      count "developer-start" 0 1
    fi
    # The same data as ada.ai (ai-team): she deploys the ai-recommendations sample, whose
    # AI calls (its simulated model) reach AI costs with its own usage key.
    stop_backend
    ai_start=$SECONDS
    if APP_CONFIG_auth_providers_guest_userEntityRef=user:default/ada.ai start_backend backend-ai-team; then
      ibias_log "portal with the guest as ada.ai ready after $((SECONDS - ai_start)) s"
      playwright_run e2e-ai-team --grep @ai-team
    else
      count "ai-team-start" 0 1
    fi
  else
    count "restart" 0 1
  fi
  stop_backend
else
  count "portal-start" 0 1
fi

# ── the GitHub publishing path, against a loopback GitHub (GitHub cannot be reached here) ──
# scripts/github-loopback.mjs speaks the REST API the GitHub actions and URL reader use
# and real git over smart HTTP; the backend gets app-config.github-loopback.yaml on top.
export IBIAS_GITHUB_LOOPBACK_PORT="${IBIAS_GITHUB_LOOPBACK_PORT:-7190}"
github_loopback_log="$ARTIFACTS/logs/github-loopback.log"
setsid node scripts/github-loopback.mjs "$IBIAS_GITHUB_LOOPBACK_PORT" "$ARTIFACTS/github-loopback" >"$github_loopback_log" 2>&1 &
GITHUB_LOOPBACK_PID=$!
github_start=$SECONDS
if IBIAS_DATA_DIR="$ARTIFACTS/data-github" start_backend backend-github bash scripts/portal.sh backend \
  --config "$PWD/packages/app/e2e-tests/app-config.github-loopback.yaml"; then
  ibias_log "portal with the loopback GitHub ready after $((SECONDS - github_start)) s"
  playwright_run e2e-github --grep @github
  stop_backend
else
  tail -n 5 "$github_loopback_log"
  count "github-start" 0 1
fi
kill -TERM -- "-$GITHUB_LOOPBACK_PID" 2>/dev/null

# ── Vercel and Supabase targets, against loopbacks (neither can be reached here) ──────
# scripts/deploy-target-loopbacks.ts runs the loopback Vercel (tags built, real callers
# on the production domains, signed log-drain batches to the portal every second) and
# the loopback Supabase; the backend gets app-config.deploy-targets-loopback.yaml on top
# (ibias-web → Vercel, ai-recommendations → Supabase in staging and production). The
# deployments plugin's own browser and permission tests run again with them configured.
export VERCEL_LOOPBACK_PORT="${VERCEL_LOOPBACK_PORT:-7191}" SUPABASE_LOOPBACK_PORT="${SUPABASE_LOOPBACK_PORT:-7192}"
targets_loopback_log="$ARTIFACTS/logs/deploy-target-loopbacks.log"
IBIAS_DRAIN_URL="$IBIAS_BASE_URL/api/ibias-deployments/vercel/log-drain" \
  setsid node --require @backstage/cli/config/nodeTransform.cjs scripts/deploy-target-loopbacks.ts >"$targets_loopback_log" 2>&1 &
TARGETS_LOOPBACK_PID=$!
for _ in $(seq 1 60); do grep -q "^loopback Vercel on" "$targets_loopback_log" && break; sleep 1; done
targets_config="$PWD/packages/app/e2e-tests/app-config.deploy-targets-loopback.yaml"
start_targets_backend() { # log-name
  IBIAS_DATA_DIR="$ARTIFACTS/data-targets" start_backend "$1" bash scripts/portal.sh backend --config "$targets_config"
}
targets_start=$SECONDS
if ! grep -q "^loopback Vercel on" "$targets_loopback_log"; then
  tail -n 20 "$targets_loopback_log"
  count "targets-loopbacks" 0 1
elif start_targets_backend backend-targets; then
  ibias_log "portal with the loopback Vercel and Supabase ready after $((SECONDS - targets_start)) s"
  playwright_run e2e-targets --grep @targets-guest
  playwright_run e2e-targets-deployments packages/app/e2e-tests/deployments.test.ts packages/app/e2e-tests/deployments.themes.test.ts
  stop_backend
  if APP_CONFIG_auth_providers_guest_userEntityRef=user:default/rita.release start_targets_backend backend-targets-release; then
    playwright_run e2e-targets-release --grep @targets-release
    stop_backend
  else
    count "targets-release-start" 0 1
  fi
  if APP_CONFIG_auth_providers_guest_userEntityRef=user:default/ada.ai start_targets_backend backend-targets-ai-team; then
    playwright_run e2e-targets-supabase --grep @targets-supabase
    stop_backend
  else
    count "targets-ai-team-start" 0 1
  fi
  # The deployments plugin's permission tests with these targets: nora.nobody owns nothing.
  if APP_CONFIG_auth_providers_guest_userEntityRef=user:default/nora.nobody start_targets_backend backend-targets-nobody; then
    playwright_run e2e-targets-nobody packages/app/e2e-tests/deployments-nobody.test.ts
    stop_backend
  else
    count "targets-nobody-start" 0 1
  fi
else
  count "targets-start" 0 1
fi
kill -TERM -- "-$TARGETS_LOOPBACK_PID" 2>/dev/null

# ── production mode: the backend bundle, app-config.production.yaml, PostgreSQL ────────
# Laid out as the Dockerfile lays it out (no Docker engine runs here), on a database
# prefix of its own that is dropped first, with NODE_ENV=production.
prod_dir="$ARTIFACTS/production"
prod_prefix="ibias_e2e_prod_"
drop_prod_databases() {
  node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.argv[1] });
      await c.connect();
      const { rows } = await c.query("select datname from pg_database where datname like $1", [process.argv[2] + "%"]);
      for (const { datname } of rows) await c.query(`drop database "${datname}" with (force)`);
      await c.end();
    })().catch(e => { console.error(e.message); process.exit(1); });' "$PG_URL" "$prod_prefix"
}
# The image runs `yarn workspaces focus` over the bundle, which links the bundle's own
# (built) workspace packages; here the rest resolves from the repository's node_modules.
link_bundle_workspaces() {
  local pkg name
  for pkg in "$prod_dir"/plugins/*/ "$prod_dir"/packages/*/; do
    [ -f "$pkg/package.json" ] || continue
    name=$(node -p 'require(process.argv[1]).name' "$pkg/package.json")
    mkdir -p "$prod_dir/node_modules/$(dirname "$name")"
    ln -sfn "$pkg" "$prod_dir/node_modules/$name"
  done
}
prepare_production() {
  rm -rf "$prod_dir" && mkdir -p "$prod_dir" &&
    yarn workspace backend build &&
    tar xzf packages/backend/dist/bundle.tar.gz -C "$prod_dir" &&
    link_bundle_workspaces &&
    cp -r app-config.yaml app-config.production.yaml catalog catalog-info.yaml templates "$prod_dir/" &&
    drop_prod_databases
}
read -r pg_host pg_port pg_user pg_password < <(node -e '
  const u = new URL(process.argv[1]);
  console.log(u.hostname, u.port || 5432, u.username || "postgres", decodeURIComponent(u.password) || "");' "$PG_URL")
check production-build prepare_production
PROD_PORT="${IBIAS_PROD_E2E_PORT:-7207}"
export IBIAS_PORT="$PROD_PORT" IBIAS_BASE_URL="http://localhost:$PROD_PORT" PLAYWRIGHT_URL="http://localhost:$PROD_PORT"
prod_start=$SECONDS
if start_backend backend-production env -C "$prod_dir" NODE_ENV=production \
  POSTGRES_HOST="$pg_host" POSTGRES_PORT="$pg_port" POSTGRES_USER="$pg_user" POSTGRES_PASSWORD="$pg_password" \
  AUTH_GITHUB_CLIENT_ID=e2e-client-id AUTH_GITHUB_CLIENT_SECRET=e2e-client-secret \
  APP_CONFIG_backend_database_prefix="$prod_prefix" \
  node packages/backend --config app-config.yaml --config app-config.production.yaml; then
  ibias_log "production backend ready after $((SECONDS - prod_start)) s"
  playwright_run e2e-production --grep @production
  stop_backend
else
  count "production-start" 0 1
fi
drop_prod_databases >/dev/null 2>&1

ibias_log "whole run took $((SECONDS - RUN_START)) s; artifacts in e2e-artifacts/"
if [ ${#FAILURES[@]} -gt 0 ]; then
  ibias_log "failed: ${FAILURES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
