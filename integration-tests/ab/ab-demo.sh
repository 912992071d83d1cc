#!/usr/bin/env bash
# A/B rollout walkthrough: two demo MCP servers under the agent, one enforcing and one log-only,
# get the same requests; `report` then shows the same decisions as `blocked` and `would_block`.
#
#   integration-tests/ab/ab-demo.sh [OUTPUT_DIRECTORY]
#
# Needs the jars (mvn -B -DskipTests package) and curl. Both servers listen on 127.0.0.1 only and
# are stopped when the script ends. STACK picks the demo stack (default jetty); AGENT_JAR and
# DEMO_JAR override the jars.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
agent=${AGENT_JAR:-$root/agent/target/mcpguard-agent.jar}
demo=${DEMO_JAR:-$root/demo-app/target/demo-app.jar}
stack=${STACK:-jetty}
out=${1:-$(mktemp -d -t mcpguard-ab-XXXXXX)}
token=ab-demo-token

for jar in "$agent" "$demo"; do
  [[ -f $jar ]] || { echo "ab-demo: $jar is missing; build first: mvn -B -DskipTests package" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "ab-demo: curl is needed (apt-get install curl)" >&2; exit 1; }
mkdir -p "$out"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# start NAME MODE: a demo server whose stderr (the agent's decision log) goes to $out/NAME.log
start() {
  env -u JAVA_TOOL_OPTIONS MCPGUARD_MODE="$2" MCPGUARD_TOKEN="$token" MCPGUARD_LOOPBACK_PATHS=/inspector \
    MCPGUARD_MAX_BODY_BYTES=64KiB \
    java -javaagent:"$agent" -jar "$demo" --stack="$stack" --port=0 --host=127.0.0.1 \
    >"$out/$1.out" 2>"$out/$1.log" &
  pids+=($!)
}

# port NAME: waits for the LISTENING line and prints the port
port() {
  for _ in $(seq 300); do
    if line=$(grep -m1 '^LISTENING ' "$out/$1.out"); then
      echo "${line##*:}" | cut -d' ' -f1
      return
    fi
    sleep 0.1
  done
  echo "ab-demo: $1 did not start; its stderr:" >&2
  cat "$out/$1.log" >&2
  exit 1
}

start enforce enforce
start log-only log-only
enforce_port=$(port enforce)
log_only_port=$(port log-only)

big=$(mktemp)
head -c 102400 /dev/zero >"$big"
bearer="Authorization: Bearer $token"

# both LABEL PATH CURL-ARGS...: the same request to each server, one status each
both() {
  local label=$1 path=$2 a b
  shift 2
  a=$(curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$enforce_port$path")
  b=$(curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$log_only_port$path")
  printf '%-40s %8s %9s\n' "$label" "$a" "$b"
}

printf '%-40s %8s %9s\n' request enforce log-only
both "GET /health with the token" /health -H "$bearer"
both "POST /mcp tools/list without a token" /mcp -H 'Content-Type: application/json' \
  --data '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
both "GET /health with a wrong token" /health -H "Authorization: Bearer wrong"
both "GET /health, token in the query" "/health?access_token=$token"
both "GET /health from a foreign Origin" /health -H "$bearer" -H "Origin: https://evil.example"
both "GET /health, DNS-rebinding Host" /health -H "$bearer" -H "Host: attacker.example"
both "POST /upload of 100 KiB" /upload -H "$bearer" --data-binary @"$big"
both "GET /inspector through a proxy" /inspector -H "$bearer" -H "X-Forwarded-For: 203.0.113.9"
rm -f "$big"

cleanup
pids=()
echo
echo "decision logs: $out/enforce.log $out/log-only.log"
echo "\$ java -jar mcpguard-agent.jar report enforce.log log-only.log"
cd "$out"
java -jar "$agent" report enforce.log log-only.log
