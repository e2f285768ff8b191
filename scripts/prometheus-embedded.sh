#!/usr/bin/env bash
# Sourced by scripts/portal.sh: the embedded Prometheus that `npm start` runs next to the
# portal, for the Metrics tab's golden signals (issue 12).
#
# When a `prometheus` binary is on PATH (Debian/Ubuntu: apt-get install prometheus), and
# neither IBIAS_PROMETHEUS=off nor an IBIAS_PROMETHEUS_URL of your own is set:
#   - writes $IBIAS_DATA_DIR/prometheus/prometheus.yml (scrape the portal's
#     /api/ibias-metrics/metrics and the local deploy target's file_sd targets every 15 s)
#     and rules.yml (the portal's alert rules), from the portal's own configuration
#     (scripts/prometheus-embedded-config.ts);
#   - starts prometheus on 127.0.0.1:$IBIAS_PROMETHEUS_PORT (default 9391) with its data
#     in $IBIAS_DATA_DIR/prometheus/data and its log in …/prometheus/prometheus.log;
#   - exports IBIAS_PROMETHEUS_URL, which app-config.yaml reads as
#     ibias.metrics.prometheus.url;
#   - stops it when the portal stops.
# Anything that goes wrong here is logged and the portal starts without it: the Metrics
# tab then says what to install or configure.

ibias_prometheus_port_busy() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Arguments: the backend's own (its --config files), so the rules match its config.
ibias_prometheus_start() {
  case "${IBIAS_PROMETHEUS:-on}" in
    off | false | 0 | no)
      ibias_log "IBIAS_PROMETHEUS=$IBIAS_PROMETHEUS: no embedded Prometheus"
      return 0
      ;;
  esac
  if [ -n "${IBIAS_PROMETHEUS_URL:-}" ]; then
    ibias_log "IBIAS_PROMETHEUS_URL is set: golden signals come from that Prometheus, none is started"
    return 0
  fi
  local bin line
  if ! bin=$(command -v prometheus); then
    ibias_log "no prometheus on PATH: the Metrics tab has no golden signals (install it, e.g. sudo apt-get install prometheus, or set ibias.metrics.prometheus.url)"
    return 0
  fi

  local port="${IBIAS_PROMETHEUS_PORT:-9391}"
  local dir="$IBIAS_DATA_DIR/prometheus"
  mkdir -p "$dir/data" || return 0
  # A Prometheus of a portal that just stopped may still be closing: wait a little.
  local i
  for i in $(seq 1 20); do
    ibias_prometheus_port_busy "$port" || break
    if [ "$i" -eq 20 ]; then
      ibias_log "port $port is taken: no embedded Prometheus (set IBIAS_PROMETHEUS_PORT to another port)"
      return 0
    fi
    sleep 0.5
  done

  # Config paths resolve from packages/backend, as the backend resolves them.
  if ! (cd "$IBIAS_ROOT/packages/backend" &&
    node --require "$IBIAS_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
      "$IBIAS_ROOT/scripts/prometheus-embedded-config.ts" "$dir" "$@") >/dev/null 2>"$dir/config.log"; then
    ibias_log "the embedded Prometheus's configuration could not be written: no embedded Prometheus"
    while IFS= read -r line; do ibias_log "  $line"; done <"$dir/config.log"
    return 0
  fi
  while IFS= read -r line; do ibias_log "prometheus: $line"; done <"$dir/config.log"

  # `exec` makes the portal this shell's process ($$), so a trap here would never run
  # when the portal stops; instead a watchdog stops Prometheus once that process is gone.
  # (In a terminal, Ctrl-C reaches Prometheus too: it shares the portal's process group,
  # as it does for CI, which stops the whole group.)
  local portal_pid=$$
  "$bin" \
    --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" \
    </dev/null >"$dir/prometheus.log" 2>&1 &
  local prometheus_pid=$!
  (
    trap '' INT
    while kill -0 "$portal_pid" 2>/dev/null && kill -0 "$prometheus_pid" 2>/dev/null; do
      sleep 1
    done
    kill -TERM "$prometheus_pid" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &

  for i in $(seq 1 40); do
    if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$prometheus_pid" 2>/dev/null; then
      ibias_log "prometheus stopped as it started: no embedded Prometheus. Its log ($dir/prometheus.log) ends with:"
      tail -n 5 "$dir/prometheus.log" >&2
      return 0
    fi
    sleep 0.25
  done
  # Not ready yet (a long write-ahead log to replay) is fine: the portal asks it later.
  export IBIAS_PROMETHEUS_URL="http://127.0.0.1:$port"
  ibias_log "Prometheus runs on $IBIAS_PROMETHEUS_URL (pid $prometheus_pid; data and log in $dir)"
}
