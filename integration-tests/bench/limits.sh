#!/usr/bin/env bash
# What the RATE and MCP gates cost end to end (issue 14): wrk against two servers under the agent,
# alternating, on an authenticated MCP tools/call with a 1 KiB argument and a session id:
#   B  the agent, enforcing, RATE idle (no limit), MCP binding the session (the defaults);
#   E  B plus MCPGUARD_RATE_LIMIT high enough never to refuse and MCPGUARD_TOOL_SCOPES, so every
#      body is read by the MCP gate as the application reads it.
# The target: E/B ≥ 0.98. Only 127.0.0.1; every process started here is stopped.
#
#   integration-tests/bench/limits.sh [--stacks=netty,jetty] [--rounds=5] [--duration=3] [--warmup=10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STACKS=netty,jetty ROUNDS=5 DURATION=3 WARMUP=10
for arg in "$@"; do
    case $arg in
        --stacks=*) STACKS=${arg#*=} ;; --rounds=*) ROUNDS=${arg#*=} ;;
        --duration=*) DURATION=${arg#*=} ;; --warmup=*) WARMUP=${arg#*=} ;;
        *) echo "unknown option $arg" >&2; exit 2 ;;
    esac
done
log() { printf '[limits %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(MCPGUARD_|JAVA_TOOL_OPTIONS$)' || true)
command -v wrk >/dev/null || { log "installing wrk (apt-get)"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
AGENT="$ROOT/agent/target/mcpguard-agent.jar" DEMO="$ROOT/demo-app/target/demo-app.jar"
[[ -f $AGENT && -f $DEMO ]] || die "build first: mvn -B -q package -DskipTests"
WORK=$(mktemp -d) PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
TOKEN="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s name=bench scopes=mcp:tools\n' "$TOKEN" >"$WORK/tokens"; chmod 600 "$WORK/tokens"
TEXT=$(head -c 1024 /dev/zero | tr '\0' 'x')
BODY="{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"$TEXT\"}}}"
HEADERS=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')

start() { # $1 stack, $2 variant, $3 the status of a tools/call of add, then knobs
    local stack=$1 v=$2 add=$3; shift 3
    env MCPGUARD_TOKEN_FILE="$WORK/tokens" MCPGUARD_MAX_BODY_BYTES=2MiB "$@" java -javaagent:"$AGENT" -jar "$DEMO" \
        --stack="$stack" --port=0 --host=127.0.0.1 >"$WORK/$v.out" 2>"$WORK/$v.err" &
    PIDS+=($!)
    for _ in $(seq 600); do grep -q '^LISTENING ' "$WORK/$v.out" && break; sleep 0.05; done
    PORT[$v]=$(awk '/^LISTENING/ {n = split($2, a, ":"); print a[n]}' "$WORK/$v.out")
    [[ -n ${PORT[$v]} ]] || { cat "$WORK/$v.err" >&2; die "$stack $v did not start"; }
    local base="http://127.0.0.1:${PORT[$v]}/mcp" sid
    sid=$(curl -s -D - -o /dev/null "${HEADERS[@]}" "$base" -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
        | tr -d '\r' | awk 'tolower($1) == "mcp-session-id:" {print $2}')
    sid=${sid:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
    curl -s -o /dev/null "${HEADERS[@]}" -H "Mcp-Session-Id: $sid" "$base" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    [[ $(curl -s -o "$WORK/check" -w '%{http_code}' "${HEADERS[@]}" -H "Mcp-Session-Id: $sid" "$base" -d "$BODY") == 200 ]] \
        && grep -q "$TEXT" "$WORK/check" || die "$stack $v: tools/call echo did not answer 200 with the text"
    [[ $(curl -s -o /dev/null -w '%{http_code}' "${HEADERS[@]}" -H "Mcp-Session-Id: $sid" "$base" \
        -d '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}') == "$add" ]] \
        || die "$stack $v: tools/call add did not answer $add"
    { echo 'wrk.method = "POST"'; printf 'wrk.body = [[%s]]\n' "$BODY"
      for h in "Authorization: Bearer $TOKEN" 'Content-Type: application/json' 'Accept: application/json, text/event-stream' "Mcp-Session-Id: $sid"; do
          printf 'wrk.headers["%s"] = "%s"\n' "${h%%: *}" "${h#*: }"; done; } >"$WORK/$v.lua"
}

rps() { wrk -t1 -c8 -d"$2s" -s "$WORK/$1.lua" "http://127.0.0.1:${PORT[$1]}/mcp" | awk '/^Requests\/sec:/ {print $2} /Non-2xx/ {print "non-2xx" > "/dev/stderr"}'; }

echo "| stack | B req/s (median of $ROUNDS) | E req/s | E/B |"
echo "|---|---:|---:|---:|"
for stack in ${STACKS//,/ }; do
    declare -A PORT=()
    start "$stack" B 200
    start "$stack" E 403 MCPGUARD_RATE_LIMIT=999999999/s MCPGUARD_TOOL_SCOPES='echo=mcp:tools;add=mcp:admin'
    log "$stack: warm-up ${WARMUP}s each, then $ROUNDS rounds of B E, ${DURATION}s each"
    rps B "$WARMUP" >/dev/null; rps E "$WARMUP" >/dev/null
    b=(); e=()
    for _ in $(seq "$ROUNDS"); do b+=("$(rps B "$DURATION")"); e+=("$(rps E "$DURATION")"); done
    mb=$(printf '%s\n' "${b[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    me=$(printf '%s\n' "${e[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    grep -q '"event.action":"blocked","mcpguard.gate":"rate"' "$WORK/E.err" && die "$stack E: the rate limit refused a request"
    printf '| %s | %.0f | %.0f | %.3f |\n' "$stack" "$mb" "$me" "$(awk -v e="$me" -v b="$mb" 'BEGIN {print e / b}')"
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=()
done
