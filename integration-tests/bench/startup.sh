#!/usr/bin/env bash
# What the agent costs a JVM's start, side by side with and without it (issue 12):
#   1. a JVM that runs no server: `java -version` with the agent in JAVA_TOOL_OPTIONS (the way
#      containers install agents), against no agent and against an agent that does nothing
#      (the JVM's own price for any -javaagent), on every JDK given;
#   2. every demo stack: JVM start to the LISTENING line, without and with the agent;
#   3. where the agent's part of a demo start goes, read from one -Xlog:class+load run per stack.
# Starts are alternated (without, with, ...) and medians reported; wall clock on a shared
# machine is noisy, so the ratios come from one run of this script, never from mixed runs.
# Uses only 127.0.0.1; stops every server it starts. Writes integration-tests/bench/startup-results.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STACKS=jetty,tomcat,undertow,netty,netty-aggregated,reactor,jdk,tomcat9,jetty10
RUNS=9
JAVAS="java"
[[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]] && JAVAS="java,/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
OUT="$HERE/startup-results.md"
AGENT="$ROOT/agent/target/mcpguard-agent.jar"
for arg in "$@"; do
    case $arg in
        --stacks=*) STACKS=${arg#*=} ;;
        --runs=*) RUNS=${arg#*=} ;;
        --javas=*) JAVAS=${arg#*=} ;;
        --out=*) OUT=${arg#*=} ;;
        --agent=*) AGENT=${arg#*=} ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
                   echo "Options: --stacks=a,b  --runs=N (default 9)  --javas=java,/path/to/java  --agent=JAR  --out=FILE"; exit 0 ;;
        *) echo "startup.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(MCPGUARD_|JAVA_TOOL_OPTIONS$|JDK_JAVA_OPTIONS$|_JAVA_OPTIONS$)' || true)

DEMO="$ROOT/demo-app/target/demo-app.jar"
DEMO_JAVAX="$ROOT/demo-app/javax/target/demo-app-javax.jar"
for jar in "$AGENT" "$DEMO" "$DEMO_JAVAX"; do [[ -f $jar ]] || { echo "$jar missing: mvn -B -DskipTests package first" >&2; exit 1; }; done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcpguard-startup.XXXXXX")
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
KNOBS=(MCPGUARD_TOKEN=startup-bench-token MCPGUARD_LOOPBACK_PATHS=/inspector MCPGUARD_ENV=dev)
log() { printf '[startup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b / a}'; }
millis() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# The floor: an agent whose premain does nothing.
mkdir -p "$WORK/empty/e"
printf 'package e;\npublic class A { public static void premain(String a, java.lang.instrument.Instrumentation i) { } }\n' >"$WORK/empty/e/A.java"
javac --release 17 -d "$WORK/empty" "$WORK/empty/e/A.java"
printf 'Premain-Class: e.A\nCan-Retransform-Classes: true\n' >"$WORK/empty/manifest"
jar cfm "$WORK/empty.jar" "$WORK/empty/manifest" -C "$WORK/empty" e/A.class

# 1. java -version
declare -A VERSION_ROWS
IFS=, read -r -a JAVA_LIST <<<"$JAVAS"
for java in "${JAVA_LIST[@]}"; do
    log "java -version: $java, $RUNS x (none, empty agent, mcpguard)"
    : >"$WORK/v-none"; : >"$WORK/v-empty"; : >"$WORK/v-agent"
    printed=""
    for _ in $(seq "$RUNS"); do
        t=$(date +%s%N); "$java" -version >/dev/null 2>&1; millis "$t" >>"$WORK/v-none"
        t=$(date +%s%N); JAVA_TOOL_OPTIONS="-javaagent:$WORK/empty.jar" "$java" -version >/dev/null 2>&1; millis "$t" >>"$WORK/v-empty"
        t=$(date +%s%N); env "${KNOBS[@]}" JAVA_TOOL_OPTIONS="-javaagent:$AGENT" "$java" -version >/dev/null 2>"$WORK/agent.err"; millis "$t" >>"$WORK/v-agent"
        printed=$(grep -v '^Picked up' "$WORK/agent.err" | grep -c 'mcpguard' || true)
    done
    none=$(median <"$WORK/v-none"); empty=$(median <"$WORK/v-empty"); agent=$(median <"$WORK/v-agent")
    version=$("$java" -version 2>&1 | head -1)
    VERSION_ROWS[$java]="| $version | $none | $empty | $agent | $(ratio "$none" "$empty") | $(ratio "$none" "$agent") | $(ratio "$empty" "$agent") | $printed |"
done

# 2. and 3. demo stacks
jar_for() { case $1 in tomcat9|jetty10) echo "$DEMO_JAVAX" ;; *) echo "$DEMO" ;; esac; }
start_once() { # $1 stack, $2 none|agent, $3 extra JVM flag or ""; prints ms to LISTENING
    local stack=$1 variant=$2 extra=$3 fifo="$WORK/fifo" line t0 t1="" cmd
    cmd=(java)
    [[ -n $extra ]] && cmd+=("$extra")
    [[ $variant == agent ]] && cmd=(env "${KNOBS[@]}" "${cmd[@]}" "-javaagent:$AGENT")
    cmd+=(-Xms256m -Xmx256m -jar "$(jar_for "$stack")" --stack="$stack" --port=0 --host=127.0.0.1)
    rm -f "$fifo"; mkfifo "$fifo"
    t0=$(date +%s%N)
    "${cmd[@]}" >"$fifo" 2>"$WORK/$stack-$variant.err" &
    local pid=$!; PIDS+=("$pid")
    exec 3<"$fifo"
    while IFS= read -r -t 90 -u 3 line; do [[ $line == LISTENING* ]] && { t1=$(date +%s%N); break; }; done
    exec 3<&-
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    [[ -n $t1 ]] || { cat "$WORK/$stack-$variant.err" >&2; echo "startup.sh: $stack $variant: no LISTENING" >&2; exit 1; }
    echo $(( (t1 - t0) / 1000000 ))
}
# Milliseconds between the first loads of two classes in a class+load log (uptimenanos).
between() { awk -v from="$2" -v to="$3" '
    { t = $1; gsub(/[^0-9]/, "", t) }
    $2 == from && !a { a = t } $2 == to && !b { b = t }
    END { if (a && b) printf "%.0f", (b - a) / 1e6; else printf "–" }' "$1"; }
STACK_ROWS=()
PHASE_ROWS=()
IFS=, read -r -a STACK_LIST <<<"$STACKS"
for stack in "${STACK_LIST[@]}"; do
    log "startup: $stack, $RUNS x (none, agent)"
    start_once "$stack" none "" >/dev/null   # page cache
    : >"$WORK/s-none"; : >"$WORK/s-agent"
    for _ in $(seq "$RUNS"); do
        start_once "$stack" none "" >>"$WORK/s-none"
        start_once "$stack" agent "" >>"$WORK/s-agent"
    done
    none=$(median <"$WORK/s-none"); agent=$(median <"$WORK/s-agent")
    STACK_ROWS+=("| $stack | $none | $agent | +$((${agent%.*} - ${none%.*})) | $(ratio "$none" "$agent") |")
    start_once "$stack" agent "-Xlog:class+load:file=$WORK/cl-$stack.log:uptimenanos" >/dev/null
    awk '{print $1, $2}' "$WORK/cl-$stack.log" >"$WORK/cl-$stack.txt"
    premain=$(between "$WORK/cl-$stack.txt" dev.mcpguard.agent.McpGuardAgent dev.mcpguard.agent.ActivationTriggers)
    start=$(between "$WORK/cl-$stack.txt" dev.mcpguard.agent.Installer dev.mcpguard.agent.Weaver)
    trigger=$(awk '$2 == "dev.mcpguard.agent.Installer" {print NR; exit}' "$WORK/cl-$stack.txt")
    agent_classes=$(grep -c ' dev\.mcpguard\.' "$WORK/cl-$stack.txt" || true)
    bytebuddy=$(grep -c ' dev\.mcpguard\.shaded\.bytebuddy\.' "$WORK/cl-$stack.txt" || true)
    PHASE_ROWS+=("| $stack | $premain | $start | $agent_classes | $bytebuddy | $trigger |")
done

{
    echo "# Start-up with and without mcpguard"
    echo
    echo "Written by \`integration-tests/bench/startup.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores,"
    echo "load average before the run $(cut -d' ' -f1-3 /proc/loadavg), $RUNS alternated starts per cell, medians in ms."
    echo "Agent knobs: \`${KNOBS[*]/MCPGUARD_TOKEN=*/MCPGUARD_TOKEN=…}\`."
    echo
    echo "## A JVM that runs no server: \`java -version\`, the agent in \`JAVA_TOOL_OPTIONS\`"
    echo
    echo "The empty agent is a \`premain\` that does nothing: what the JVM itself charges for any"
    echo "\`-javaagent\` (it loads java.instrument and turns off part of class-data sharing)."
    echo
    echo "| JVM | none | empty agent | mcpguard | empty / none | mcpguard / none | mcpguard / empty | mcpguard lines printed |"
    echo "|---|---|---|---|---|---|---|---|"
    for java in "${JAVA_LIST[@]}"; do echo "${VERSION_ROWS[$java]}"; done
    echo
    echo "## Demo stacks: JVM start to \`LISTENING\`"
    echo
    echo "| stack | without, ms | with, ms | agent, ms | ratio |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${STACK_ROWS[@]}"
    echo
    echo "## Where the agent's part goes (one \`-Xlog:class+load\` start per stack)"
    echo
    echo "premain: knob validation and the lazy transformer. start: from the first hooked class to"
    echo "the weaver being ready (configuration, gates, banner, operator log, helpers' class loader"
    echo "access). The rest of the agent's time is weaving the hooked types as they load: Byte"
    echo "Buddy's classes (read from the bootstrap class path, not covered by class-data sharing)"
    echo "and each hook's advice. \"loaded before start\" is how many classes the JVM had loaded"
    echo "when the first hooked one came."
    echo
    echo "| stack | premain, ms | start, ms | agent classes loaded | of which Byte Buddy | loaded before start |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${PHASE_ROWS[@]}"
} >"$OUT"
log "wrote $OUT"
cat "$OUT"
