#!/usr/bin/env bash
# What `npm test` needs from the machine, checked before anything long (the Node download,
# `yarn install`): Chromium for the browser tests, Prometheus (prometheus and promtool) for the
# analysis-from-Prometheus test, PostgreSQL that lets the local test user in without a password
# for the database tests, git, and the tools the run itself uses (curl, ps, and python3, make
# and g++ to build the native addons for the project's Node).
#
# On Debian as root it installs what is missing with apt and starts PostgreSQL (trust auth on
# the loopback for the test user, as the developers' machines have it). Anywhere else (not
# root, no apt, apt cannot reach its archive) it stops at once with one message that names
# each missing piece and the command that installs it, and exits 1. What is present is never
# reinstalled: on a provisioned machine this takes well under a second.
#
# Settings (environment):
#   IBIAS_PROVISION=auto|check|off   auto (default) installs as root on Debian; check only
#                                    reports; off skips the check (what is missing then fails
#                                    in its stage and is counted there)
#   CHROMIUM_PATH                    the browser the end-to-end tests start (/usr/bin/chromium)
#   IBIAS_TEST_POSTGRES_URL          the server the database tests use
#                                    (postgresql://postgres@127.0.0.1:5432)
# Self-contained (no Node, no repository files) so that it can run on a machine that has
# nothing yet, and be tested as another user from a copy.
set -uo pipefail

# As scripts/toolchain.sh logs, in colour only on a terminal.
if [ -t 2 ]; then
  ibias_log() { printf '\033[1;34m[ibias]\033[0m %s\n' "$*" >&2; }
else
  ibias_log() { printf '[ibias] %s\n' "$*" >&2; }
fi

PROVISION_MODE="${IBIAS_PROVISION:-auto}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
PG_URL="${IBIAS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}"
PROVISION_START=$SECONDS

case "$PROVISION_MODE" in
  auto | check) ;;
  off)
    ibias_log "IBIAS_PROVISION=off: the machine is not checked; what is missing fails in its stage"
    exit 0
    ;;
  *)
    ibias_log "IBIAS_PROVISION must be auto, check or off (got '$PROVISION_MODE')"
    exit 2
    ;;
esac

# ── PostgreSQL: speak the start of the wire protocol from bash (no client needed) ──────
# postgresql://user[:password]@host[:port][/database] → PG_USER PG_PASSWORD PG_HOST PG_PORT PG_DB
parse_pg_url() {
  local rest=${PG_URL#*://} auth hostport
  PG_DB=""
  case "$rest" in */*) PG_DB=${rest#*/} && rest=${rest%%/*} ;; esac
  PG_DB=${PG_DB%%\?*}
  auth="" hostport=$rest
  case "$rest" in *@*) auth=${rest%@*} && hostport=${rest##*@} ;; esac
  PG_USER=${auth%%:*}
  PG_PASSWORD=""
  case "$auth" in *:*) PG_PASSWORD=${auth#*:} ;; esac
  case "$hostport" in
    \[*\]:*) PG_HOST=${hostport%%]*} && PG_HOST=${PG_HOST#[} && PG_PORT=${hostport##*:} ;;
    \[*\]) PG_HOST=${hostport#[} && PG_HOST=${PG_HOST%]} && PG_PORT="" ;;
    *:*) PG_HOST=${hostport%%:*} && PG_PORT=${hostport##*:} ;;
    *) PG_HOST=$hostport && PG_PORT="" ;;
  esac
  PG_USER=${PG_USER:-postgres}
  PG_HOST=${PG_HOST:-127.0.0.1}
  PG_PORT=${PG_PORT:-5432}
  PG_DB=${PG_DB:-$PG_USER}
}
parse_pg_url

# Sends a startup message and a Terminate, then reads the server's answer to its end.
# Prints one word: trust (in without a password: ReadyForQuery), password (it asks for one),
# refused (an error, e.g. no such role or no pg_hba.conf line), unreachable (no answer).
pg_probe() { # host port user database
  local LC_ALL=C answer len type at=0
  exec 3<>"/dev/tcp/$1/$2" || { echo unreachable && return; }
  # StartupMessage: length, protocol 3.0, user and database as C strings, a closing NUL.
  len=$((25 + ${#3} + ${#4}))
  {
    printf '%b' "\\x00\\x00\\x$(printf %02x $((len >> 8 & 255)))\\x$(printf %02x $((len & 255)))"
    printf '\000\003\000\000'
    printf '%s\0' user "$3" database "$4"
    printf '\0'
    printf 'X\000\000\000\004'
  } >&3
  answer=$(od -An -v -tx1 <&3 | tr -d ' \n')
  # Messages: a type byte, then a length (itself included) of 4 bytes.
  while [ $((at + 10)) -le ${#answer} ]; do
    type=${answer:at:2}
    case "$type" in
      52) [ "${answer:at+10:8}" = 00000000 ] || { echo password && return; } ;;
      5a) echo trust && return ;;
      45) echo refused && return ;;
    esac
    at=$((at + 2 + 2 * 16#${answer:at+2:8}))
  done
  echo unreachable
}
export -f pg_probe

pg_state() {
  timeout 5 bash -c 'pg_probe "$@"' pg-probe "$PG_HOST" "$PG_PORT" "$PG_USER" "$PG_DB" 2>/dev/null ||
    echo unreachable
}

# The database tests connect with the URL as it is: without a password it must be trust.
pg_ok() {
  local state
  state=$(pg_state)
  [ "$state" = trust ] || { [ "$state" = password ] && [ -n "$PG_PASSWORD" ]; }
}

pg_is_local() {
  case "$PG_HOST" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac
}

# The newest PostgreSQL server installed from Debian's packages, if any.
pg_server_version() {
  local bin version=""
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$bin" ] && version=$(basename "$(dirname "$(dirname "$bin")")")
  done
  printf '%s' "$version"
}

# ── the pieces: name, how it is found, Debian packages, what it is for ─────────────────
PIECES=(chromium prometheus postgresql git curl ps build-tools)

piece_present() {
  case "$1" in
    chromium) [ -x "$CHROMIUM" ] ;;
    prometheus) command -v prometheus >/dev/null && command -v promtool >/dev/null ;;
    postgresql) pg_ok ;;
    git | curl | ps) command -v "$1" >/dev/null ;;
    build-tools) command -v python3 >/dev/null && command -v make >/dev/null && command -v g++ >/dev/null ;;
  esac
}

piece_packages() {
  case "$1" in
    chromium) echo chromium ;;
    prometheus) echo prometheus ;;
    # A server that runs but does not let us in needs its pg_hba.conf, not a package.
    postgresql) [ -n "$(pg_server_version)" ] || echo postgresql ;;
    git | curl) echo "$1" ;;
    ps) echo procps ;;
    build-tools) echo python3 make g++ ;;
  esac
}

piece_description() {
  case "$1" in
    chromium)
      if [ -n "${CHROMIUM_PATH:-}" ]; then
        echo "Chromium at $CHROMIUM (CHROMIUM_PATH), for the browser tests"
      else
        echo "Chromium at $CHROMIUM, for the browser tests"
      fi
      ;;
    prometheus) echo "Prometheus (prometheus and promtool on PATH), for the analysis-from-Prometheus test" ;;
    postgresql)
      local why
      case "$(pg_state)" in
        unreachable) why="nothing answers there" ;;
        password) why="it asks for a password" ;;
        *) why="it refuses the connection" ;;
      esac
      if [ -n "$PG_PASSWORD" ]; then
        echo "PostgreSQL at $PG_HOST:$PG_PORT letting $PG_USER in with the password of IBIAS_TEST_POSTGRES_URL, for the database tests ($why)"
      else
        echo "PostgreSQL at $PG_HOST:$PG_PORT letting $PG_USER in without a password, for the database tests ($why)"
      fi
      ;;
    git) echo "git, for the scaffolder and the local deploy target" ;;
    curl) echo "curl, for the readiness checks of the portal the end-to-end tests start" ;;
    ps) echo "ps (procps), for the attacker end-to-end tests" ;;
    build-tools) echo "python3, make and g++, to build better-sqlite3 for the project's Node" ;;
  esac
}

missing_pieces() {
  local piece
  MISSING=()
  for piece in "${PIECES[@]}"; do
    piece_present "$piece" || MISSING+=("$piece")
  done
}

missing_packages() {
  local piece
  for piece in "${MISSING[@]}"; do piece_packages "$piece"; done | tr '\n' ' ' | sed 's/ *$//'
}

# One message: why this cannot go on, each missing piece, and the commands that fix it.
report_missing() { # reason
  local piece packages version
  packages=$(missing_packages)
  version=$(pg_server_version)
  {
    printf '\n[ibias] npm test cannot run here yet: %s. Missing:\n' "$1"
    for piece in "${MISSING[@]}"; do printf '  - %s\n' "$(piece_description "$piece")"; done
    if [ -n "$packages" ]; then
      printf '\nInstall them as root (npm test does this itself when it runs as root on Debian):\n'
      printf '  apt-get update && apt-get install -y %s\n' "$packages"
    fi
    if [[ " ${MISSING[*]} " == *" postgresql "* ]]; then
      if pg_is_local; then
        printf '\nThen let the test user in from the loopback without a password, and start PostgreSQL (as root):\n'
        printf "  sed -i '1i host all all 127.0.0.1/32 trust\\\\nhost all all ::1/128 trust' /etc/postgresql/%s/main/pg_hba.conf\n" "${version:-15}"
        printf '  pg_ctlcluster --skip-systemctl-redirect %s main start   (or: pg_ctlcluster %s main reload, if it runs)\n' "${version:-15}" "${version:-15}"
      fi
      printf 'Or point IBIAS_TEST_POSTGRES_URL at a PostgreSQL server that lets the tests in.\n'
    fi
    if [[ " ${MISSING[*]} " == *" chromium "* ]] && [ -n "${CHROMIUM_PATH:-}" ]; then
      printf 'Or unset CHROMIUM_PATH to use /usr/bin/chromium.\n'
    fi
    printf '\nIBIAS_PROVISION=off runs the tests anyway; what is missing then fails in its stage.\n'
  } >&2
}

# ── installing (Debian, root) ──────────────────────────────────────────────────────────
APT_LOG=$(mktemp -t ibias-provision-apt.XXXXXX)
trap 'rm -f "$APT_LOG"' EXIT

apt_update() {
  # No retries and short timeouts: without a network this fails in seconds, not minutes
  # (the timeouts are for connecting and for silence, so a slow archive still works).
  DEBIAN_FRONTEND=noninteractive setsid -w apt-get update -q --error-on=any \
    -o Acquire::Retries=0 -o Acquire::http::Timeout=5 -o Acquire::https::Timeout=5 \
    >"$APT_LOG" 2>&1 &
  local pid=$! tenths=0
  # A resolver that does not answer holds apt for a minute: no word from the archive
  # (a Hit: or Get: line) within 7 s means there is no network for apt. apt-get leads a
  # process group of its own, so its download methods go with it.
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$tenths" -ge 70 ] && ! grep -qE '^(Hit|Get):' "$APT_LOG"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      echo "E: no answer from the package archive within 7 s" >>"$APT_LOG"
      return 1
    fi
    sleep 0.1
    tenths=$((tenths + 1))
  done
  wait "$pid"
}

apt_install() { # packages...
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=120 \
    -o Dpkg::Use-Pty=0 "$@" >"$APT_LOG" 2>&1
}

# The apt errors, without the rest of its output.
apt_errors() {
  grep -E '^(E|W):' "$APT_LOG" | head -n 5 >&2
}

# Starts the Debian cluster on the URL's port (creating it on a machine that has none) and
# lets the test user in from the loopback without a password.
start_postgres() {
  local version cluster="" status="" hba
  version=$(pg_server_version)
  [ -n "$version" ] || return 1
  if command -v pg_lsclusters >/dev/null; then
    read -r cluster status < <(pg_lsclusters -h 2>/dev/null |
      awk -v v="$version" -v p="$PG_PORT" '$1 == v && $3 == p { print $2, $4; exit }')
  fi
  if [ -z "$cluster" ]; then
    if [ -n "$(ls -A "/etc/postgresql/$version" 2>/dev/null)" ]; then
      ibias_log "PostgreSQL $version has clusters, but none on port $PG_PORT: not changing them"
      return 1
    fi
    ibias_log "creating the PostgreSQL $version cluster 'main' on port $PG_PORT"
    pg_createcluster "$version" main --port "$PG_PORT" >"$APT_LOG" 2>&1 || return 1
    cluster=main status=down
  fi
  hba="/etc/postgresql/$version/$cluster/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    ibias_log "letting the test user in from the loopback without a password ($hba)"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  if [ "$status" = online ]; then
    pg_ctlcluster "$version" "$cluster" reload
  else
    ibias_log "starting PostgreSQL $version ($cluster) on port $PG_PORT"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >"$APT_LOG" 2>&1 ||
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" restart >"$APT_LOG" 2>&1
  fi
  local _
  for _ in $(seq 1 30); do
    pg_ok && return 0
    sleep 1
  done
  return 1
}

# Why this machine cannot install, or nothing when it can.
cannot_install_reason() {
  if [ "$PROVISION_MODE" = check ]; then
    echo "IBIAS_PROVISION=check, so nothing is installed"
  elif [ "$(id -u)" != 0 ]; then
    echo "not root, so nothing is installed"
  elif ! command -v apt-get >/dev/null; then
    echo "this is not a Debian machine with apt-get, so nothing is installed"
  fi
}

provision() {
  missing_pieces
  if [ ${#MISSING[@]} -eq 0 ]; then
    ibias_log "machine: Chromium, Prometheus, PostgreSQL ($PG_HOST:$PG_PORT), git and the build tools are present ($((SECONDS - PROVISION_START)) s)"
    return 0
  fi
  local reason
  reason=$(cannot_install_reason)
  if [ -n "$reason" ]; then
    report_missing "$reason"
    return 1
  fi

  local packages piece
  packages=$(missing_packages)
  if [ -n "$packages" ]; then
    ibias_log "apt-get update"
    if ! apt_update; then
      apt_errors
      report_missing "apt-get update could not reach the package archive (no network?)"
      return 1
    fi
    for piece in "${MISSING[@]}"; do
      [ -n "$(piece_packages "$piece")" ] &&
        ibias_log "installing $(piece_packages "$piece" | tr '\n' ' ' | sed 's/ *$//') with apt: $(piece_description "$piece")"
    done
    local started=$SECONDS
    # shellcheck disable=SC2086 # one word per package
    if ! apt_install $packages; then
      apt_errors
      report_missing "apt-get install failed"
      return 1
    fi
    ibias_log "apt-get install $packages took $((SECONDS - started)) s"
  fi

  if ! pg_ok && pg_is_local; then
    start_postgres || tail -n 5 "$APT_LOG" >&2
  fi

  missing_pieces
  if [ ${#MISSING[@]} -gt 0 ]; then
    report_missing "after installing, these are still missing"
    return 1
  fi
  ibias_log "machine provisioned in $((SECONDS - PROVISION_START)) s"
}

provision
