#!/usr/bin/env bash
# What the mcpguard agent costs, side by side with no agent and with nginx in front (issue 6).
#
#   integration-tests/bench/run.sh              # full run, about 10 minutes, all nine stacks
#   integration-tests/bench/run.sh --quick      # about 2 minutes: tomcat and netty, fewer rounds
#   integration-tests/bench/run.sh --stacks=jetty,reactor
#
# Installs wrk and nginx-light (apt-get) when missing, builds the project, then:
#   1. JMH: the gate core (integration-tests/bench/target/benchmarks.jar, -prof gc);
#   2. startup: JVM start to the LISTENING line, without and with the agent, alternated;
#   3. end to end, per stack: (A) the demo without the agent, (B) with the agent enforcing,
#      (C) with the agent in log-only mode, (D) the demo without the agent behind nginx doing the
#      same work (bearer check, body limit, loopback-only location); wrk runs A B C D A B C D ...
#      for an authenticated MCP tools/call (echo, 1 KiB argument) and a 1 MiB POST /upload;
#   4. resident memory and live heap of A, B and C after the load.
# Writes integration-tests/bench/results.md (--out=FILE to change). Every process it starts
# (servers, nginx) is stopped on exit, Ctrl-C included. Only 127.0.0.1 is ever spoken to.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ALL_STACKS=jetty,tomcat,undertow,netty,netty-aggregated,reactor,jdk,tomcat9,jetty10
COMMAND_LINE="integration-tests/bench/run.sh${*:+ $*}"

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --quick               about 2 minutes: stacks tomcat,netty, short JMH, 2 rounds
  --stacks=a,b          only these demo stacks (default: all nine)
  --rounds=N            A B C D rounds per stack and workload (default 3, quick 2)
  --duration=S          seconds per measured wrk run (default 1)
  --warmup=S            seconds of wrk per variant before measuring MCP, half that before upload
                        (default 3, quick 2)
  --startup-runs=N      startups per stack and variant (default 3, quick 2)
  --connections=N       wrk connections (default 8; one wrk thread)
  --java=PATH           the java to run the servers with (default: java on PATH)
  --jvm-flags="..."     flags for every server JVM (default "-Xms256m -Xmx256m")
  --no-install          do not apt-get install wrk and nginx-light
  --no-build            do not run mvn package first
  --no-jmh              skip the JMH benchmarks
  --out=FILE            where to write the results (default integration-tests/bench/results.md)
EOF
}

QUICK=0
STACKS=""
ROUNDS=""
DURATION=1
WARMUP=""
STARTUP_RUNS=""
CONNECTIONS=8
JAVA=java
JVM_FLAGS="-Xms256m -Xmx256m"
INSTALL=1
BUILD=1
JMH=1
OUT="$HERE/results.md"
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --stacks=*) STACKS=${arg#*=} ;;
        --rounds=*) ROUNDS=${arg#*=} ;;
        --duration=*) DURATION=${arg#*=} ;;
        --warmup=*) WARMUP=${arg#*=} ;;
        --startup-runs=*) STARTUP_RUNS=${arg#*=} ;;
        --connections=*) CONNECTIONS=${arg#*=} ;;
        --java=*) JAVA=${arg#*=} ;;
        --jvm-flags=*) JVM_FLAGS=${arg#*=} ;;
        --no-install) INSTALL=0 ;;
        --no-build) BUILD=0 ;;
        --no-jmh) JMH=0 ;;
        --out=*) OUT=${arg#*=} ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $arg (--help lists them)" >&2; exit 2 ;;
    esac
done
if [[ $QUICK == 1 ]]; then
    : "${STACKS:=tomcat,netty}" "${ROUNDS:=2}" "${WARMUP:=2}" "${STARTUP_RUNS:=2}"
    JMH_OPTS=(-f 1 -wi 2 -w 500ms -i 3 -r 500ms)
    JMH_INCLUDE='GuardBenchmark'
else
    : "${STACKS:=$ALL_STACKS}" "${ROUNDS:=3}" "${WARMUP:=3}" "${STARTUP_RUNS:=3}"
    JMH_OPTS=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    JMH_INCLUDE='GuardBenchmark|PartsBenchmark'
fi
IFS=, read -r -a STACK_LIST <<<"$STACKS"
for stack in "${STACK_LIST[@]}"; do
    [[ ",$ALL_STACKS," == *",$stack,"* ]] || { echo "run.sh: unknown stack $stack (one of $ALL_STACKS)" >&2; exit 2; }
done

# The knobs of the runs are this script's alone: nothing from the caller's environment.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(MCPGUARD_|JAVA_TOOL_OPTIONS$|JDK_JAVA_OPTIONS$|_JAVA_OPTIONS$)' || true)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Cleanup: every process started here, by pid.
PIDS=()
WORK=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ $status == 0 ]]; then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local kept=()
    for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || kept+=("$i"); done
    PIDS=("${kept[@]+"${kept[@]}"}")
}

# ---------------------------------------------------------------------------------------------
# 0. Tools and build.
if [[ $INSTALL == 1 ]] && ! { command -v wrk && command -v nginx && command -v curl; } >/dev/null; then
    log "installing wrk, nginx-light and curl (apt-get)"
    SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
    $SUDO apt-get update -q >/dev/null
    # nginx-light's package scripts start the system nginx, on port 80 of every interface, where an
    # init system runs; a policy-rc.d that forbids service starts keeps the install from doing so.
    policy=/usr/sbin/policy-rc.d
    forbid_starts=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy" && forbid_starts=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk nginx-light curl >/dev/null || {
        [[ $forbid_starts == 0 ]] || $SUDO rm -f "$policy"
        die "apt-get install wrk nginx-light curl failed"
    }
    [[ $forbid_starts == 0 ]] || $SUDO rm -f "$policy"
fi
for tool in wrk nginx curl "$JAVA"; do
    command -v "$tool" >/dev/null || die "$tool not found (install it, or drop --no-install)"
done
JCMD=$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd
[[ -x $JCMD ]] || die "jcmd not found next to $JAVA (a JDK is needed, not a JRE)"
NGINX=$(command -v nginx)

if [[ $BUILD == 1 ]]; then
    log "building: mvn -B -q -DskipTests package"
    (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
fi
AGENT="$ROOT/agent/target/mcpguard-agent.jar"
DEMO="$ROOT/demo-app/target/demo-app.jar"
DEMO_JAVAX="$ROOT/demo-app/javax/target/demo-app-javax.jar"
BENCH_JAR="$ROOT/integration-tests/bench/target/benchmarks.jar"
for jar in "$AGENT" "$DEMO" "$DEMO_JAVAX" "$BENCH_JAR"; do
    [[ -f $jar ]] || die "$jar missing: build first (drop --no-build)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcpguard-bench.XXXXXX")
TOKEN="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
AGENT_KNOBS=(MCPGUARD_TOKEN="$TOKEN" MCPGUARD_LOOPBACK_PATHS=/inspector MCPGUARD_ENV=dev MCPGUARD_MAX_BODY_BYTES=2MiB)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
SECONDS=0
read -r -a JVM_FLAG_LIST <<<"$JVM_FLAGS"

jar_for() {
    case $1 in tomcat9|jetty10) echo "$DEMO_JAVAX" ;; *) echo "$DEMO" ;; esac
}

# The command line of a demo server; $1 stack, $2 variant: none | enforce | log-only.
server_command() {
    local stack=$1 variant=$2
    CMD=(env)
    case $variant in
        none) ;;
        enforce) CMD+=("${AGENT_KNOBS[@]}") ;;
        log-only) CMD+=("${AGENT_KNOBS[@]}" MCPGUARD_MODE=log-only) ;;
        *) die "unknown variant $variant" ;;
    esac
    CMD+=("$JAVA" "${JVM_FLAG_LIST[@]}")
    [[ $variant == none ]] || CMD+=("-javaagent:$AGENT")
    CMD+=(-jar "$(jar_for "$stack")" --stack="$stack" --port=0 --host=127.0.0.1)
}

# Starts a server and waits for LISTENING; sets SERVER_PID and SERVER_PORT. $3 names its logs.
start_server() {
    local stack=$1 variant=$2 name=$3
    server_command "$stack" "$variant"
    "${CMD[@]}" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    local i line
    for i in $(seq 1200); do
        line=$(grep -m1 '^LISTENING ' "$WORK/$name.out" || true)
        [[ -n $line ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.err" >&2; die "$name exited before LISTENING"; }
        sleep 0.05
    done
    [[ -n $line ]] || die "$name: no LISTENING line within 60 s"
    SERVER_PORT=$(awk '{n = split($2, a, ":"); print a[n]}' <<<"$line")
}

# A free port on 127.0.0.1 for nginx (the servers take port 0 and say which they got).
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    die "no free port found"
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# ---------------------------------------------------------------------------------------------
# 1. JMH
JMH_CSV="$WORK/jmh.csv"
if [[ $JMH == 1 ]]; then
    log "JMH: $JMH_INCLUDE ${JMH_OPTS[*]} -prof gc"
    "$JAVA" -jar "$BENCH_JAR" "${JMH_OPTS[@]}" -prof gc -rf csv -rff "$JMH_CSV" "$JMH_INCLUDE" >"$WORK/jmh.log" 2>&1 \
        || { tail -30 "$WORK/jmh.log" >&2; die "JMH"; }
fi

# ---------------------------------------------------------------------------------------------
# 2. Startup: from just before the JVM is started to the LISTENING line, read from a pipe.
STARTUP_TSV="$WORK/startup.tsv"
: >"$STARTUP_TSV"
measure_startup() {
    local stack=$1 variant=$2 fifo="$WORK/startup.fifo" line t0 t1=""
    server_command "$stack" "$variant"
    rm -f "$fifo"; mkfifo "$fifo"
    t0=$(date +%s%N)
    "${CMD[@]}" >"$fifo" 2>"$WORK/startup-$stack-$variant.err" &
    local pid=$!
    PIDS+=("$pid")
    exec 3<"$fifo"
    while IFS= read -r -t 60 -u 3 line; do
        if [[ $line == LISTENING* ]]; then t1=$(date +%s%N); break; fi
    done
    exec 3<&-
    stop_pid "$pid"
    [[ -n $t1 ]] || { cat "$WORK/startup-$stack-$variant.err" >&2; die "$stack $variant: no LISTENING line"; }
    printf '%s\t%s\t%s\n' "$stack" "$variant" "$(( (t1 - t0) / 1000000 ))" >>"$STARTUP_TSV"
}
for stack in "${STACK_LIST[@]}"; do
    log "startup: $stack, $STARTUP_RUNS x (without, with agent)"
    measure_startup "$stack" none   # discarded: the first start pays for the page cache
    sed -i '$d' "$STARTUP_TSV"
    for _ in $(seq "$STARTUP_RUNS"); do
        measure_startup "$stack" none
        measure_startup "$stack" enforce
    done
done

# ---------------------------------------------------------------------------------------------
# 3. End to end.
E2E_TSV="$WORK/e2e.tsv"       # stack workload variant round rps p50_ms p99_ms errors
MEM_TSV="$WORK/memory.tsv"    # stack variant rss_kib heap_used_kib
: >"$E2E_TSV"; : >"$MEM_TSV"
VARIANTS=(A B C D)
declare -A VARIANT_NAME=([A]="no agent" [B]="agent, enforce" [C]="agent, log-only" [D]="nginx in front, no agent")
declare -A BASE PID_OF SESSION

ECHO_TEXT=$(head -c 1024 /dev/zero | tr '\0' 'x')
MCP_BODY="$WORK/mcp-body.json"
printf '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"%s"}}}' "$ECHO_TEXT" >"$MCP_BODY"
UPLOAD_BODY="$WORK/upload.bin"
head -c 1048576 /dev/urandom >"$UPLOAD_BODY"
MCP_HEADERS=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18')

nginx_config() {
    local backend_port=$1 port=$2 dir=$3
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
# Generated by integration-tests/bench/run.sh: the work the agent does, done by a reverse proxy.
# One worker: the machine's cores are shared by wrk, nginx and the JVM behind it.
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    # AUTH: the one accepted bearer token (exact match, scheme case included).
    map \$http_authorization \$mcpguard_ok {
        "Bearer $TOKEN" 1;
        default 0;
    }
    upstream demo {
        server 127.0.0.1:$backend_port;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$port;
        # BODY: the same 2 MiB limit as MCPGUARD_MAX_BODY_BYTES.
        client_max_body_size 2m;
        # Stream bodies and answers like the agent does (no spooling to disk, SSE passes through).
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        if (\$mcpguard_ok = 0) {
            return 401;
        }
        # LOOPBACK: the developer page for loopback peers only.
        location /inspector {
            allow 127.0.0.1;
            deny all;
            proxy_pass http://demo;
        }
        location / {
            proxy_pass http://demo;
        }
    }
}
EOF
}

# MCP session for a variant (the SDK's transport on jetty and tomcat wants initialize first and
# then an Mcp-Session-Id; the hand-written endpoints ignore it).
open_session() {
    local v=$1 headers status
    headers=$(curl -s -o "$WORK/init-$v.json" -D - -w '%{http_code}' "${MCP_HEADERS[@]}" \
        -H "Authorization: Bearer $TOKEN" \
        --data '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcpguard-bench","version":"1"}}}' \
        "${BASE[$v]}/mcp")
    status=${headers##*$'\n'}
    [[ $status == 200 ]] || die "variant $v (${VARIANT_NAME[$v]}): initialize answered $status"
    SESSION[$v]=$(tr -d '\r' <<<"$headers" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
    local session_header=()
    [[ -z ${SESSION[$v]} ]] || session_header=(-H "Mcp-Session-Id: ${SESSION[$v]}")
    status=$(curl -s -o /dev/null -w '%{http_code}' "${MCP_HEADERS[@]}" "${session_header[@]+"${session_header[@]}"}" \
        -H "Authorization: Bearer $TOKEN" --data '{"jsonrpc":"2.0","method":"notifications/initialized"}' "${BASE[$v]}/mcp")
    [[ $status == 202 || $status == 200 ]] || die "variant $v: notifications/initialized answered $status"
}

# Proves each variant does what it claims before it is measured: the measured requests pass (200,
# the right answer), and a wrong token is refused by B and D, only logged by C.
verify_variant() {
    local v=$1 stack=$2 status session_header=()
    [[ -z ${SESSION[$v]} ]] || session_header=(-H "Mcp-Session-Id: ${SESSION[$v]}")
    status=$(curl -s -o "$WORK/check-$v.txt" -w '%{http_code}' "${MCP_HEADERS[@]}" "${session_header[@]+"${session_header[@]}"}" \
        -H "Authorization: Bearer $TOKEN" --data-binary "@$MCP_BODY" "${BASE[$v]}/mcp")
    [[ $status == 200 ]] || die "$stack variant $v (${VARIANT_NAME[$v]}): tools/call answered $status, not 200"
    grep -q "\"text\":\"$ECHO_TEXT\"" "$WORK/check-$v.txt" || die "$stack variant $v: tools/call did not echo the argument"
    status=$(curl -s -o "$WORK/upload-$v.txt" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$UPLOAD_BODY" "${BASE[$v]}/upload")
    [[ $status == 200 ]] || die "$stack variant $v (${VARIANT_NAME[$v]}): upload answered $status, not 200"
    grep -q '"bytes":1048576' "$WORK/upload-$v.txt" || die "$stack variant $v: upload did not read 1 MiB"
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "${BASE[$v]}/health")
    local expected=200
    [[ $v == B || $v == D ]] && expected=401
    [[ $status == "$expected" ]] || die "$stack variant $v (${VARIANT_NAME[$v]}): a wrong token got $status, expected $expected"
}

wrk_script() {
    local v=$1 workload=$2 file="$WORK/wrk-$1-$2.lua"
    {
        echo 'wrk.method = "POST"'
        echo "wrk.headers[\"Authorization\"] = \"Bearer $TOKEN\""
        if [[ $workload == mcp ]]; then
            echo 'wrk.headers["Content-Type"] = "application/json"'
            echo 'wrk.headers["Accept"] = "application/json, text/event-stream"'
            echo 'wrk.headers["MCP-Protocol-Version"] = "2025-06-18"'
            [[ -z ${SESSION[$v]} ]] || echo "wrk.headers[\"Mcp-Session-Id\"] = \"${SESSION[$v]}\""
            echo "local f = assert(io.open(\"$MCP_BODY\", \"rb\"))"
        else
            echo 'wrk.headers["Content-Type"] = "application/octet-stream"'
            echo "local f = assert(io.open(\"$UPLOAD_BODY\", \"rb\"))"
        fi
        echo 'wrk.body = f:read("*a")'
        echo 'f:close()'
    } >"$file"
    echo "$file"
}

# Runs wrk; sets WRK_RESULT to "rps p50_ms p99_ms errors" (errors: socket errors plus non-2xx answers).
run_wrk() {
    local v=$1 workload=$2 seconds=$3 path out
    [[ $workload == mcp ]] && path=/mcp || path=/upload
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$WORK/wrk-$v-$workload.lua" "${BASE[$v]}$path" 2>&1) \
        || { echo "$out" >&2; die "wrk against variant $v failed"; }
    echo "$out" >>"$WORK/wrk.log"
    WRK_RESULT=$(awk '
        function ms(s) {
            if (s ~ /us$/) return substr(s, 1, length(s) - 2) / 1000
            if (s ~ /ms$/) return substr(s, 1, length(s) - 2) + 0
            if (s ~ /s$/)  return substr(s, 1, length(s) - 1) * 1000
            return s + 0
        }
        $1 == "50%" {p50 = ms($2)}
        $1 == "99%" {p99 = ms($2)}
        $1 == "Requests/sec:" {rps = $2}
        /Socket errors:/ {gsub(/,/, ""); errors += $4 + $6 + $8 + $10}
        /Non-2xx or 3xx responses:/ {errors += $NF}
        END {printf "%s %s %s %d\n", rps, p50, p99, errors}' <<<"$out")
}

for stack in "${STACK_LIST[@]}"; do
    log "end to end: $stack: starting A B C D"
    start_server "$stack" none "$stack-A"; PID_OF[A]=$SERVER_PID; BASE[A]="http://127.0.0.1:$SERVER_PORT"
    start_server "$stack" enforce "$stack-B"; PID_OF[B]=$SERVER_PID; BASE[B]="http://127.0.0.1:$SERVER_PORT"
    start_server "$stack" log-only "$stack-C"; PID_OF[C]=$SERVER_PID; BASE[C]="http://127.0.0.1:$SERVER_PORT"
    start_server "$stack" none "$stack-D-backend"; PID_OF[D]=$SERVER_PID
    nginx_dir="$WORK/nginx-$stack"; nginx_port=$(free_port)
    nginx_config "$SERVER_PORT" "$nginx_port" "$nginx_dir"
    "$NGINX" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" -t >/dev/null 2>&1 \
        || { "$NGINX" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" -t; die "nginx config"; }
    "$NGINX" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" 2>>"$nginx_dir/error.log" &
    NGINX_PID=$!; PIDS+=("$NGINX_PID")
    BASE[D]="http://127.0.0.1:$nginx_port"
    for _ in $(seq 100); do curl -s -o /dev/null "${BASE[D]}/health" && break; sleep 0.05; done

    for v in "${VARIANTS[@]}"; do
        open_session "$v"
        verify_variant "$v" "$stack"
        wrk_script "$v" mcp >/dev/null
        wrk_script "$v" upload >/dev/null
    done
    for workload in mcp upload; do
        # The upload workload runs on servers the MCP workload warmed already: half the warm-up.
        warm=$WARMUP; [[ $workload == mcp ]] || warm=$(( (WARMUP + 1) / 2 ))
        log "end to end: $stack $workload: warm-up ${warm}s each, then $ROUNDS rounds of A B C D, ${DURATION}s each"
        for v in "${VARIANTS[@]}"; do run_wrk "$v" "$workload" "$warm"; done
        for round in $(seq "$ROUNDS"); do
            for v in "${VARIANTS[@]}"; do
                run_wrk "$v" "$workload" "$DURATION"
                read -r rps p50 p99 errors <<<"$WRK_RESULT"
                [[ $errors == 0 ]] || log "WARNING: $stack $workload $v round $round: $errors errors or non-2xx answers"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stack" "$workload" "$v" "$round" "$rps" "$p50" "$p99" "$errors" >>"$E2E_TSV"
            done
        done
    done
    # The agent's variants must still be the agent's: log-only logged nothing but allowed, enforce
    # refused only the one wrong-token check.
    [[ $(grep -c '"event.action":"blocked"' "$WORK/$stack-B.err" || true) == 1 ]] || die "$stack B: expected exactly one blocked line"
    for v in A B C; do
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/${PID_OF[$v]}/status")
        heap=$(printf 'GC.run\nGC.heap_info\n' >"$WORK/jcmd.txt"; "$JCMD" "${PID_OF[$v]}" -f "$WORK/jcmd.txt" 2>/dev/null \
            | awk '/ heap .*used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K.*/, "", v); print v; exit}}')
        printf '%s\t%s\t%s\t%s\n' "$stack" "$v" "$rss" "${heap:-nan}" >>"$MEM_TSV"
    done
    stop_pid "$NGINX_PID"
    for v in A B C D; do stop_pid "${PID_OF[$v]}"; done
done
ELAPSED=$SECONDS
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# 4. results.md
fmt() { awk -v v="$1" -v f="$2" 'BEGIN {if (v == "nan" || v == "") print "–"; else printf f, v}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0 || a == "nan") print "nan"; else printf "%.3f", a / b}'; }
# status VALUE OP LIMIT: "met" or "**missed**"
status() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0); if (v == "nan") print "–"; else print (ok ? "met" : "**missed**")}'; }
cell() {  # stack workload variant column -> median
    awk -F'\t' -v s="$1" -v w="$2" -v v="$3" -v c="$4" '$1 == s && $2 == w && $3 == v {print $c}' "$E2E_TSV" | median
}
jmh() {  # benchmark suffix -> score
    [[ -f $JMH_CSV ]] || { echo nan; return; }
    awk -F',' -v b="\"dev.mcpguard.bench.$1\"" '$1 == b {print $5; exit}' "$JMH_CSV" | tr -d '"' | { read -r x || true; echo "${x:-nan}"; }
}

MISSED=()
{
    echo "# mcpguard benchmark results"
    echo
    echo "Written by \`integration-tests/bench/run.sh\`; see the README's Benchmarks section for how to reproduce."
    echo
    echo "## Machine and run"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $STARTED_AT, $((ELAPSED / 60)) min $((ELAPSED % 60)) s |"
    echo "| command | \`$COMMAND_LINE\` |"
    echo "| CPU | $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo) |"
    echo "| memory | $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
    echo "| OS | $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), Linux $(uname -r) |"
    echo "| JDK | $("$JAVA" -version 2>&1 | sed -n 2p) |"
    echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{print $2}') |"
    echo "| nginx | $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (nginx-light) |"
    echo "| load average | $LOAD_BEFORE before, $LOAD_AFTER after (other jobs may share the machine) |"
    echo "| server JVM flags | \`$JVM_FLAGS\` on every variant (a fixed heap, so that RSS compares the agent, not heap sizing) |"
    echo "| agent knobs (B, C) | \`MCPGUARD_TOKEN=<random> MCPGUARD_LOOPBACK_PATHS=/inspector MCPGUARD_ENV=dev MCPGUARD_MAX_BODY_BYTES=2MiB\`, C adds \`MCPGUARD_MODE=log-only\` |"
    echo "| wrk | 1 thread, $CONNECTIONS connections, keep-alive; warm-up ${WARMUP} s per variant before the MCP workload and $(( (WARMUP + 1) / 2 )) s before upload, then $ROUNDS rounds of A B C D, ${DURATION} s each; medians over rounds |"
    echo "| startup | $STARTUP_RUNS starts per stack and variant, alternated (one discarded start first) |"
    echo
    echo "wrk, the server JVM(s) and nginx share the same $(nproc) cores, so absolute numbers are those of a"
    echo "saturated small machine, and every variant is measured under the same contention; the ratios are"
    echo "what to read. nginx (D) runs one worker process (\`worker_processes 1\`: more would only compete"
    echo "with wrk and the JVM for the same cores), \`access_log off\`, upstream keep-alive, and streams"
    echo "request bodies (\`proxy_request_buffering off\`, \`proxy_buffering off\`) as the agent does."
    echo "Before measuring, each variant is checked: the measured requests answer 200 with the right"
    echo "content; a wrong token gets 401 from B and D and passes C (log-only)."
    echo
    if [[ -f $JMH_CSV ]]; then
        echo "## Gate core (JMH, \`-prof gc\`)"
        echo
        echo "\`java -jar integration-tests/bench/target/benchmarks.jar ${JMH_OPTS[*]} -prof gc '$JMH_INCLUDE'\`"
        echo
        echo "| benchmark | ns/op | B/op (gc.alloc.rate.norm) |"
        echo "|---|---:|---:|"
        awk -F',' 'NR > 1 {gsub(/"/, ""); print $1}' "$JMH_CSV" | grep -v ':' | while read -r name; do
            short=${name#dev.mcpguard.bench.}
            echo "| $short | $(fmt "$(jmh "$short")" '%.1f') | $(fmt "$(jmh "$short:gc.alloc.rate.norm")" '%.1f') |"
        done
        echo
    fi
    echo "## End to end: requests/s and latency"
    echo
    echo "A: no agent; B: agent, enforce; C: agent, log-only; D: no agent, nginx in front. Ratios are to A"
    echo "(for latency, lower is better); B/D is the agent's throughput over the nginx setup's."
    echo
    echo "| stack | workload | A req/s | B req/s | C req/s | D req/s | B/A | C/A | D/A | B/D | A p50 ms | B p50 | C p50 | D p50 | A p99 ms | B p99 | C p99 | D p99 | B p99/A | C p99/A | D p99/A |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT.tmp"

declare -A R50 R99 RPS
for stack in "${STACK_LIST[@]}"; do
    for workload in mcp upload; do
        for v in A B C D; do
            RPS[$v]=$(cell "$stack" "$workload" "$v" 5)
            R50[$v]=$(cell "$stack" "$workload" "$v" 6)
            R99[$v]=$(cell "$stack" "$workload" "$v" 7)
        done
        ba=$(ratio "${RPS[B]}" "${RPS[A]}"); ca=$(ratio "${RPS[C]}" "${RPS[A]}"); da=$(ratio "${RPS[D]}" "${RPS[A]}")
        bd=$(ratio "${RPS[B]}" "${RPS[D]}")
        b99=$(ratio "${R99[B]}" "${R99[A]}"); c99=$(ratio "${R99[C]}" "${R99[A]}"); d99=$(ratio "${R99[D]}" "${R99[A]}")
        [[ $workload == mcp ]] && wl="tools/call 1 KiB" || wl="upload 1 MiB"
        echo "| $stack | $wl | $(fmt "${RPS[A]}" '%.0f') | $(fmt "${RPS[B]}" '%.0f') | $(fmt "${RPS[C]}" '%.0f') | $(fmt "${RPS[D]}" '%.0f') | $ba | $ca | $da | $bd | $(fmt "${R50[A]}" '%.2f') | $(fmt "${R50[B]}" '%.2f') | $(fmt "${R50[C]}" '%.2f') | $(fmt "${R50[D]}" '%.2f') | $(fmt "${R99[A]}" '%.2f') | $(fmt "${R99[B]}" '%.2f') | $(fmt "${R99[C]}" '%.2f') | $(fmt "${R99[D]}" '%.2f') | $b99 | $c99 | $d99 |" >>"$OUT.tmp"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stack" "$wl" "$ba" "$ca" "$bd" "$b99" "$c99" >>"$WORK/ratios.tsv"
    done
done

{
    echo
    echo "## Startup and memory"
    echo
    echo "Startup: from just before \`java\` is started to the \`LISTENING\` line, median. Memory: after the"
    echo "end-to-end load, VmRSS from \`/proc/<pid>/status\`, then live heap (\`jcmd GC.run\`, \`GC.heap_info\` used)."
    echo
    echo "| stack | startup without, ms | startup with, ms | ratio | RSS A MiB | RSS B MiB | RSS C MiB | RSS B−A MiB | heap A MiB | heap B MiB | heap B−A MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >>"$OUT.tmp"
for stack in "${STACK_LIST[@]}"; do
    s0=$(awk -F'\t' -v s="$stack" '$1 == s && $2 == "none" {print $3}' "$STARTUP_TSV" | median)
    s1=$(awk -F'\t' -v s="$stack" '$1 == s && $2 == "enforce" {print $3}' "$STARTUP_TSV" | median)
    mem() { awk -F'\t' -v s="$stack" -v v="$1" -v c="$2" '$1 == s && $2 == v {printf "%.1f", $c / 1024}' "$MEM_TSV"; }
    rssA=$(mem A 3); rssB=$(mem B 3); rssC=$(mem C 3); heapA=$(mem A 4); heapB=$(mem B 4)
    sr=$(ratio "$s1" "$s0")
    drss=$(awk -v a="$rssA" -v b="$rssB" 'BEGIN {printf "%+.1f", b - a}')
    dheap=$(awk -v a="$heapA" -v b="$heapB" 'BEGIN {printf "%+.1f", b - a}')
    echo "| $stack | $s0 | $s1 | $sr | $rssA | $rssB | $rssC | $drss | $heapA | $heapB | $dheap |" >>"$OUT.tmp"
    printf '%s\t%s\t%s\n' "$stack" "$sr" "$drss" >>"$WORK/startup-ratios.tsv"
done

# Targets.
worst() {  # file column min|max -> "value (stack workload)"
    awk -F'\t' -v c="$2" -v m="$3" '$c != "nan" && (best == "" || (m == "min" ? $c + 0 < best + 0 : $c + 0 > best + 0)) {best = $c; where = $1 (NF > 3 ? ", " $2 : "")} END {print best "\t" where}' "$1"
}
{
    echo
    echo "## Targets"
    echo
    echo "Goals from issue 6, not test assertions; the worst row decides."
    echo
    echo "| target | worst measured | status |"
    echo "|---|---|---|"
    if [[ -f $JMH_CSV ]]; then
        a=$(jmh GuardBenchmark.allow); b=$(jmh GuardBenchmark.allow:gc.alloc.rate.norm)
        echo "| gate core allow path ≤ 250 ns/op | $(fmt "$a" '%.1f') ns/op | $(status "$a" '<=' 250) |"
        echo "| gate core allow path ≤ 64 B/op | $(fmt "$b" '%.1f') B/op | $(status "$b" '<=' 64) |"
    fi
    IFS=$'\t' read -r v w < <(worst "$WORK/ratios.tsv" 3 min); echo "| throughput, enforce ≥ 0.98× no agent (B/A) | $v ($w) | $(status "$v" '>=' 0.98) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/ratios.tsv" 4 min); echo "| throughput, log-only ≥ 0.98× no agent (C/A) | $v ($w) | $(status "$v" '>=' 0.98) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/ratios.tsv" 6 max); echo "| p99 latency, enforce ≤ 1.05× no agent | $v ($w) | $(status "$v" '<=' 1.05) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/ratios.tsv" 7 max); echo "| p99 latency, log-only ≤ 1.05× no agent | $v ($w) | $(status "$v" '<=' 1.05) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/ratios.tsv" 5 min); echo "| throughput with the agent ≥ 1.5× nginx in front (B/D) | $v ($w) | $(status "$v" '>=' 1.5) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/startup-ratios.tsv" 2 max); echo "| startup ≤ 1.15× without the agent | $v ($w) | $(status "$v" '<=' 1.15) |"
    IFS=$'\t' read -r v w < <(worst "$WORK/startup-ratios.tsv" 3 max); echo "| RSS ≤ +25 MiB | $v MiB ($w) | $(status "$v" '<=' 25) |"
    echo
    echo "Errors or non-2xx answers during measured runs: $(awk -F'\t' '{e += $8} END {print e + 0}' "$E2E_TSV")."
} >>"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "done in $((ELAPSED / 60)) min $((ELAPSED % 60)) s: $OUT"
sed -n '/^## Targets/,$p' "$OUT" >&2
