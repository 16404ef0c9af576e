#!/usr/bin/env bash
# Load benchmark of the runner on this machine, side by side with its own HTTP ceiling, the naive
# baseline and a Node.js reference server, all measured in the same run. See bench/load/README.md.
#
# Starts 2 PostgreSQL 15 shards and the runner (production settings + runner.benchmark.enabled),
# drives each configuration with wrk at fixed connections for a fixed time (loopback only), checks
# rows persisted against 2xx responses, and writes bench/results/load/ (results.md, raw/, chart).
# Everything it started is stopped on exit.
set -euo pipefail
# One brace group: bash reads it whole before running it, so editing this file mid-run is safe.
{

usage() {
  cat <<'EOF'
usage: bench/load/run.sh [options]
  --quick                 smoke run: 3 s warm-up, 5 s per run
  --duration SEC          measured seconds per run (default 30)
  --warmup SEC            warm-up seconds before each run (default 10)
  --connections "N M"     connection counts (default "64 256")
  --naive-duration SEC    measured seconds per naive run (default 30)
  --naive-connections "N" connection counts of the naive runs (default 16)
  --configs "A B"         subset of: ping greeter fib fib-nospool greeter-nospool naive node-fib
                          node-ping (default: all but greeter-nospool); *-nospool run against a
                          second runner with the record spool off, right after the spool-on row
  --runner-app DIR        a built runner/target/quarkus-app to use instead of building
  --commit REV            commit to build the runner from (default HEAD), via git archive
  --queue-capacity N      runner.execution.queue-capacity (default: the runner's own, 256)
  --runner-opt -Dk=v      extra runner JVM option (repeatable), e.g. a JFR recording
  --out DIR               results directory (default bench/results/load)
  --work DIR              scratch directory (default /tmp/sr-load-bench)
EOF
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
PGBIN=/usr/lib/postgresql/15/bin

DURATION=30
WARMUP=10
CONNECTIONS="64 256"
NAIVE_DURATION=30
NAIVE_CONNECTIONS=16
CONFIGS="ping greeter fib fib-nospool naive node-fib node-ping"
RUNNER_APP=""
COMMIT=HEAD
QUEUE_CAPACITY=""
RUNNER_OPTS=()
OUT="$REPO/bench/results/load"
WORK=/tmp/sr-load-bench
QUICK=false
COMMAND_LINE="bench/load/run.sh $*"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=true; DURATION=5; WARMUP=3; NAIVE_DURATION=10 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --naive-duration) NAIVE_DURATION=$2; shift ;;
    --naive-connections) NAIVE_CONNECTIONS=$2; shift ;;
    --configs) CONFIGS=$2; shift ;;
    --runner-app) RUNNER_APP=$(cd "$2" && pwd); shift ;;
    --commit) COMMIT=$2; shift ;;
    --queue-capacity) QUEUE_CAPACITY=$2; shift ;;
    --runner-opt) RUNNER_OPTS+=("$2"); shift ;;
    --out) OUT=$2; shift ;;
    --work) WORK=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in wrk curl python3 node npm git; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
[[ -x $PGBIN/postgres ]] || die "PostgreSQL 15 binaries not found in $PGBIN"
[[ -x $JAVA_HOME/bin/java ]] || die "JDK 25 not found in $JAVA_HOME"

mkdir -p "$WORK"
RUN="$WORK/run"
rm -rf "$RUN" && mkdir -p "$RUN"
RAW="$RUN/raw"
mkdir -p "$RAW"
RESULTS="$RAW/results.jsonl"
: >"$RESULTS"

# --- teardown -------------------------------------------------------------------------------
RUNNER_PID=""
NOSPOOL_PID=""
NODE_PID=""
PG_DIRS=()

alive() { # running, not a zombie waiting to be reaped
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

stop_pid() { # pid, seconds to wait before SIGKILL
  local pid=$1 wait=$2
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid did not stop in ${wait}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

teardown() {
  local rc=$?
  set +e
  stop_node
  stop_pid "$NOSPOOL_PID" 40
  stop_pid "$RUNNER_PID" 40
  for dir in "${PG_DIRS[@]}"; do
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1
  done
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- the runner build -------------------------------------------------------------------------
if [[ -z $RUNNER_APP ]]; then
  SHA=$(git -C "$REPO" rev-parse --verify "$COMMIT^{commit}")
  # Keyed by the trees the runner is built from, so a commit touching only bench/ or docs
  # reuses the previous build.
  KEY=$(git -C "$REPO" ls-tree "$SHA" pom.xml .mvn mvnw runner guests crds | sha1sum | cut -c1-12)
  SRC="$WORK/src-$KEY"
  if [[ ! -f $SRC/runner/target/quarkus-app/quarkus-run.jar ]]; then
    log "building the runner from ${SHA:0:12} in $SRC"
    rm -rf "$SRC" && mkdir -p "$SRC"
    git -C "$REPO" archive "$SHA" | tar -x -C "$SRC"
    (cd "$SRC" && JAVA_HOME=$JAVA_HOME ./mvnw -B -q -pl runner -am package -DskipTests) \
      >"$WORK/build-$KEY.log" 2>&1 || die "build failed, see $WORK/build-$KEY.log"
    echo "$SHA" >"$SRC/BUILT_FROM"
  fi
  RUNNER_APP="$SRC/runner/target/quarkus-app"
  RUNNER_REV="$(cat "$SRC/BUILT_FROM" 2>/dev/null || echo "$SHA") (runner, guests, crds, poms as in ${SHA:0:12})"
  FUNCTIONS_DIR="$SRC/guests/wasm"
else
  RUNNER_REV="prebuilt $RUNNER_APP"
  FUNCTIONS_DIR="$(cd "$RUNNER_APP/../../.." && pwd)/guests/wasm"
fi
[[ -f $FUNCTIONS_DIR/fib.wasm && -f $FUNCTIONS_DIR/greeter.wasm ]] ||
  die "no fib/greeter guests in $FUNCTIONS_DIR"

# Production JVM flags: those of the runner's container image (JAVA_OPTS in its Dockerfile),
# e.g. -XX:-DontCompileHugeMethods, without which large compiled guest functions never get JITed.
DOCKERFILE="$(cd "$RUNNER_APP/../.." && pwd)/src/main/docker/Dockerfile.jvm"
IMAGE_JAVA_OPTS=()
if [[ -f $DOCKERFILE ]]; then
  read -r -a IMAGE_JAVA_OPTS <<<"$(sed -nE 's/^ENV JAVA_OPTS="([^"]*)".*/\1/p' "$DOCKERFILE")"
fi
[[ ${#IMAGE_JAVA_OPTS[@]} -gt 0 ]] || die "no JAVA_OPTS found in $DOCKERFILE"

# --- PostgreSQL: two shards -------------------------------------------------------------------
PG_PORTS=()
SHARD_URIS=()
start_shards() {
  local base="$WORK/pg"
  rm -rf "$base" && mkdir -p "$base" && chown postgres: "$base"
  runuser -u postgres -- "$PGBIN/initdb" -D "$base/template" -U postgres --auth=trust -E UTF8 \
    --no-sync >"$base/initdb.log" 2>&1 || die "initdb failed: $base/initdb.log"
  for i in 0 1; do
    local dir="$base/shard$i" port
    port=$(free_port)
    runuser -u postgres -- cp -a "$base/template" "$dir"
    mkdir -p "$base/sock$i" && chown postgres: "$base/sock$i"
    # Defaults otherwise (synchronous_commit on, fsync on): the production-like case.
    cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base/sock$i'
max_connections = 300
EOF
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir" -l "$base/shard$i.log" -w -t 60 start \
      >/dev/null || die "shard $i did not start: $base/shard$i.log"
    PG_DIRS+=("$dir")
    psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE runner LOGIN PASSWORD 'pw'" -c "CREATE DATABASE runner OWNER runner" >/dev/null
    PG_PORTS+=("$port")
    SHARD_URIS+=("postgresql://runner:pw@127.0.0.1:$port/runner")
  done
  log "shards on ports ${PG_PORTS[*]}"
}

# Rows in the executions table, summed over both shards.
count_rows() {
  local total=0 n
  for port in "${PG_PORTS[@]}"; do
    n=$(psql -h 127.0.0.1 -p "$port" -U runner -d runner -Atqc 'SELECT count(*) FROM executions')
    total=$((total + n))
  done
  echo "$total"
}

# Polls until the count has not moved for two consecutive seconds (the runner's backlog drained).
settled_rows() {
  local prev cur stable=0
  prev=$(count_rows)
  for ((i = 0; i < 120; i++)); do
    sleep 1
    cur=$(count_rows)
    if [[ $cur == "$prev" ]]; then
      stable=$((stable + 1))
      [[ $stable -ge 2 ]] && { echo "$cur"; return 0; }
    else
      stable=0
    fi
    prev=$cur
  done
  die "row count still moving after 120 s"
}

# --- CPU accounting from /proc (clock ticks) ---------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
pid_ticks() { # utime+stime+cutime+cstime of one process (0 when gone)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  # Fields after the ')' start at field 3 (state): utime=14 stime=15 cutime=16 cstime=17.
  awk '{print $12 + $13 + $14 + $15}' <<<"$stat"
}
tree_pids() { # a process and all its descendants
  local pid=$1
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    tree_pids "$child"
  done
}
tree_ticks() {
  local total=0 t
  for pid in $(tree_pids "$1"); do
    t=$(pid_ticks "$pid")
    total=$((total + t))
  done
  echo "$total"
}
pg_ticks() {
  local total=0 pid t
  for dir in "${PG_DIRS[@]}"; do
    pid=$(head -1 "$dir/postmaster.pid")
    t=$(tree_ticks "$pid")
    total=$((total + t))
  done
  echo "$total"
}
# CPU ticks of a process's threads, grouped by thread name without its number (comm is cut at
# 15 characters): "name ticks" lines, to see where a server's time goes (event loop, workers, GC).
thread_ticks() {
  local pid=$1 task comm stat
  for task in /proc/"$pid"/task/*; do
    comm=$(cat "$task/comm" 2>/dev/null) || continue
    stat=$(cat "$task/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    printf '%s\t%s\n' "$(sed -E 's/[-#_ ]?[0-9]+$//' <<<"$comm")" "$(awk '{print $12 + $13}' <<<"$stat")"
  done | awk -F'\t' '{t[$1] += $2} END {for (k in t) printf "%s\t%d\n", k, t[k]}'
}
# Busy and total CPU ticks of the whole machine (all processes, all cores).
# "user+nice+system+steal irq+softirq": loopback networking is mostly softirq time, which the
# kernel does not charge to any process.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $9, $7 + $8}' /proc/stat; }
rss_kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- the runner -------------------------------------------------------------------------------
RUNNER_PORT=$(free_port)
RUNNER_MANAGEMENT_PORT=$(free_port) # health and metrics live on the management port
NOSPOOL_PORT=$(free_port)
NOSPOOL_MANAGEMENT_PORT=$(free_port)
# start_runner NAME PORT MANAGEMENT_PORT [extra -D options]: NAME is runner (spool on, the default)
# or runner-nospool (runner.recording.spool.enabled=false); sets STARTED_PID.
start_runner() {
  local name=$1 port=$2 mport=$3
  shift 3
  local shards
  shards=$(IFS=,; echo "${SHARD_URIS[*]}")
  local opts=(
    "-Dquarkus.http.port=$port"
    "-Dquarkus.management.port=$mport"
    "-Dquarkus.management.host=127.0.0.1"
    "-Dquarkus.http.host=127.0.0.1"
    "-Drunner.functions.dir=$FUNCTIONS_DIR"
    "-Drunner.recording.shards=$shards"
    "-Drunner.recording.spool.dir=$RUN/spool-$name"
    "-Drunner.benchmark.enabled=true"
    "$@"
  )
  [[ -n $QUEUE_CAPACITY ]] && opts+=("-Drunner.execution.queue-capacity=$QUEUE_CAPACITY")
  # GC pauses logged (not tuned) so that latency outliers can be told from collector pauses.
  opts=("${IMAGE_JAVA_OPTS[@]}" "-Xlog:gc:file=$RAW/$name-gc.log:time" "${opts[@]}")
  opts+=("${RUNNER_OPTS[@]}")
  log "starting $name on :$port (${opts[*]})"
  # Launched through a link of its own name, so that a `pkill -f quarkus-run.jar` meant for
  # another runner on this shared machine does not stop the benchmark's.
  ln -sf quarkus-run.jar "$RUNNER_APP/load-bench-runner.jar"
  (cd "$RUN" && exec "$JAVA_HOME/bin/java" "${opts[@]}" -jar "$RUNNER_APP/load-bench-runner.jar") \
    >"$RAW/$name.log" 2>&1 &
  STARTED_PID=$!
  for ((i = 0; i < 240; i++)); do
    alive "$STARTED_PID" || die "$name exited, see $RAW/$name.log"
    if curl -fs "http://127.0.0.1:$mport/q/health/ready" >/dev/null 2>&1; then
      log "$name ready (pid $STARTED_PID)"
      return 0
    fi
    sleep 0.5
  done
  die "the runner was not ready after 120 s"
}

runner_metric() { # MANAGEMENT_PORT METRIC: sum of a Prometheus counter's samples
  curl -fs "http://127.0.0.1:$1/q/metrics" |
    awk -v m="$2" 'index($0, m) == 1 && ($0 ~ "^" m "[{ ]") {s += $NF} END {printf "%d\n", s}'
}

# --- the Node.js reference server ---------------------------------------------------------------
NODE_PORT=$(free_port)
start_node() {
  local shards
  shards=$(IFS=,; echo "${SHARD_URIS[*]}")
  if [[ ! -d $SCRIPT_DIR/node/node_modules/pg ]]; then
    log "npm ci in bench/load/node"
    (cd "$SCRIPT_DIR/node" && npm ci --no-audit --no-fund --silent) || die "npm ci failed"
  fi
  PORT=$NODE_PORT FUNCTIONS_DIR=$FUNCTIONS_DIR SHARDS=$shards \
    node --no-warnings "$SCRIPT_DIR/node/server.js" >"$RAW/node.log" 2>&1 &
  NODE_PID=$!
  for ((i = 0; i < 100; i++)); do
    alive "$NODE_PID" || die "the Node server exited, see $RAW/node.log"
    curl -fs "http://127.0.0.1:$NODE_PORT/ping" >/dev/null 2>&1 && { log "node ready"; return 0; }
    sleep 0.2
  done
  die "the Node server was not ready after 20 s"
}
stop_node() {
  [[ -n $NODE_PID ]] || return 0
  stop_pid "$NODE_PID" 10
  NODE_PID=""
}

# --- one measured configuration ------------------------------------------------------------------
# run_case NAME SERVER(runner|node) PATH METHOD BODY CONNS SECONDS TAIL EXPECT_ROWS(yes|no)
run_case() {
  local name=$1 server=$2 path=$3 method=$4 body=$5 conns=$6 seconds=$7 tail=$8 rows=$9
  local port mport pid url tag="$name-c$conns"
  case $server in
    runner) port=$RUNNER_PORT; mport=$RUNNER_MANAGEMENT_PORT; pid=$RUNNER_PID ;;
    runner-nospool) port=$NOSPOOL_PORT; mport=$NOSPOOL_MANAGEMENT_PORT; pid=$NOSPOOL_PID ;;
    *) port=$NODE_PORT; pid=$NODE_PID ;;
  esac
  url="http://127.0.0.1:$port$path"
  # wrk counts a connection idle past --timeout as a timeout: keep it above the whole run.
  local timeout=$((seconds + tail + 30))
  log "$tag: warm-up ${WARMUP}s"
  wrk -t2 -c"$conns" -d"$((WARMUP + tail))s" --timeout "${timeout}s" \
    -s "$SCRIPT_DIR/wrk/report.lua" "$url" -- "$(($(date +%s%3N) + WARMUP * 1000))" "$method" "$body" \
    >"$RAW/$tag.warmup.txt" 2>&1 || die "wrk warm-up failed ($tag)"
  local rows_before rejected_before=0 dropped_before=0
  rows_before=$(settled_rows)
  if [[ $server == runner* ]]; then
    rejected_before=$(runner_metric "$mport" runner_engine_pool_rejected_total)
    dropped_before=$(runner_metric "$mport" runner_records_dropped_total)
  fi
  local srv0 pg0 srv1 pg1 stop_at load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  local m0 m1 t0_ms t1_ms
  m0=$(machine_ticks)
  t0_ms=$(date +%s%3N)
  srv0=$(tree_ticks "$pid")
  thread_ticks "$pid" >"$RAW/$tag.threads0.tsv"
  pg0=$(pg_ticks)
  stop_at=$(($(date +%s%3N) + seconds * 1000))
  log "$tag: measuring ${seconds}s ($method $path, $conns connections)"
  (
    wrk -t2 -c"$conns" -d"$((seconds + tail))s" --timeout "${timeout}s" --latency \
      -s "$SCRIPT_DIR/wrk/report.lua" "$url" -- "$stop_at" "$method" "$body"
    times
  ) >"$RAW/$tag.wrk.txt" 2>&1 || die "wrk failed ($tag), see $RAW/$tag.wrk.txt"
  alive "$pid" || die "the $server server (pid $pid) died during $tag: see $RAW/$server.log"
  local rows_after
  rows_after=$(settled_rows)
  srv1=$(tree_ticks "$pid")
  m1=$(machine_ticks)
  t1_ms=$(date +%s%3N)
  thread_ticks "$pid" >"$RAW/$tag.threads1.tsv"
  pg1=$(pg_ticks)
  local rejected=0 dropped=0 rss=0 hwm=0
  if [[ $server == runner* ]]; then
    rejected=$(($(runner_metric "$mport" runner_engine_pool_rejected_total) - rejected_before))
    dropped=$(($(runner_metric "$mport" runner_records_dropped_total) - dropped_before))
    rss=$(rss_kb "$pid" VmRSS)
    hwm=$(rss_kb "$pid" VmHWM)
  else
    for p in $(tree_pids "$NODE_PID"); do rss=$((rss + $(rss_kb "$p" VmRSS))); done
  fi
  local json
  json=$(grep '^{"started_at_ms"' "$RAW/$tag.wrk.txt") || die "no JSON summary from wrk ($tag)"
  # wrk's own CPU: the second line of `times` (children of the subshell).
  local wrk_cpu
  wrk_cpu=$(tail -1 "$RAW/$tag.wrk.txt" | awk '{
      split($1, u, "m"); split($2, s, "m");
      printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
  python3 - "$RESULTS" "$RAW/$tag.threads0.tsv" "$RAW/$tag.threads1.tsv" <<EOF
import json, sys
w = json.loads('''$json''')
def ticks(path):
    with open(path) as f:
        return {k: int(v) for k, v in (line.rstrip("\\n").split("\\t") for line in f if line.strip())}
t0, t1 = ticks(sys.argv[2]), ticks(sys.argv[3])
threads = {k: (t1[k] - t0.get(k, 0)) / $CLK_TCK for k in t1 if t1[k] - t0.get(k, 0) > 0}
def gc_pauses(start_ms, end_ms):
    """The runner's GC pauses (ms) logged between the two instants (-Xlog:gc with time)."""
    import datetime, re
    out = []
    try:
        lines = open("$RAW/$server-gc.log").read().splitlines()
    except OSError:
        return out
    for line in lines:
        m = re.match(r"\\[([^\\]]+)\\].* Pause .* ([0-9.]+)ms$", line)
        if not m:
            continue
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000
        if start_ms <= t <= end_ms and "$server".startswith("runner"):
            out.append(float(m.group(2)))
    return out
rec = {
  "config": "$name", "server": "$server", "path": "$path", "method": "$method",
  "connections": $conns, "seconds": $seconds, "stop_at_ms": $stop_at,
  "expect_rows": "$rows" == "yes",
  "rows_before": $rows_before, "rows_after": $rows_after,
  "server_cpu_s": ($srv1 - $srv0) / $CLK_TCK, "pg_cpu_s": ($pg1 - $pg0) / $CLK_TCK,
  "wrk_cpu_s": $wrk_cpu, "rss_kb": $rss, "hwm_kb": $hwm,
  "machine_busy_s": (${m1% *} - ${m0% *}) / $CLK_TCK, "machine_irq_s": (${m1#* } - ${m0#* }) / $CLK_TCK,
  "gc_pauses_ms": gc_pauses(w["started_at_ms"], $t1_ms),
  "elapsed_s": ($t1_ms - $t0_ms) / 1000,
  "pool_rejected": $rejected, "records_dropped": $dropped, "loadavg_before": "$load",
  "loadavg_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
  "threads_cpu_s": dict(sorted(threads.items(), key=lambda kv: -kv[1])),
  "wrk": w,
}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(rec) + "\n")
EOF
  python3 "$SCRIPT_DIR/report.py" --line "$RESULTS" >&2
}

# --- the run --------------------------------------------------------------------------------------
has() { [[ " $CONFIGS " == *" $1 "* ]]; }

{
  echo "command: $COMMAND_LINE"
  echo "runner: $RUNNER_REV"
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "memory: $(free -m | awk '/Mem:/ {print $2}') MiB"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "node: $(node --version)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "quick: $QUICK, duration: ${DURATION}s, warm-up: ${WARMUP}s, naive: ${NAIVE_DURATION}s at $NAIVE_CONNECTIONS connections, connections: $CONNECTIONS"
  echo "queue-capacity: ${QUEUE_CAPACITY:-default}"
  echo "record spool: on for runner rows (in $RUN/spool-runner, $(df -T "$WORK" | awk 'NR==2 {print $2}')), off for *-nospool rows"
  echo "runner JVM options (from the image's Dockerfile): ${IMAGE_JAVA_OPTS[*]} ${RUNNER_OPTS[*]}"
  echo "load before: $(cat /proc/loadavg)"
} >"$RAW/environment.txt"
top -bn2 -d1 | awk '/^top -/ {n++} n == 2' | head -20 >"$RAW/top-before.txt" || true

start_shards
start_runner runner "$RUNNER_PORT" "$RUNNER_MANAGEMENT_PORT"
RUNNER_PID=$STARTED_PID
if has fib-nospool || has greeter-nospool; then
  # Both runners stay up for the whole run (the idle one costs next to nothing), so the spool-on and
  # spool-off rows of each connection count are measured back to back.
  start_runner runner-nospool "$NOSPOOL_PORT" "$NOSPOOL_MANAGEMENT_PORT" -Drunner.recording.spool.enabled=false
  NOSPOOL_PID=$STARTED_PID
  # Both runners get the same extra warm-up of both paths, so neither row measures a JIT that is
  # still compiling (the C2 threads dominate the CPU of a cold runner on 2 cores).
  for port in "$RUNNER_PORT" "$NOSPOOL_PORT"; do
    for path in /execute/greeter "/execute/fib?number=15"; do
      wrk -t2 -c64 -d"$((WARMUP * 2))s" "http://127.0.0.1:$port$path" >/dev/null 2>&1 ||
        die "wrk warm-up of the runner on :$port failed"
    done
  done
fi
log "smoke: $(curl -fsS "http://127.0.0.1:$RUNNER_PORT/execute/fib?number=15" | tr -d '\n') / $(curl -fsS -d Alice "http://127.0.0.1:$RUNNER_PORT/execute/greeter")"

for c in $CONNECTIONS; do
  has ping && run_case ping runner /bench/ping GET "" "$c" "$DURATION" 2 no
  has greeter && run_case greeter runner /execute/greeter POST Alice "$c" "$DURATION" 2 yes
  has greeter-nospool &&
    run_case greeter-nospool runner-nospool /execute/greeter POST Alice "$c" "$DURATION" 2 yes
  has fib && run_case fib runner "/execute/fib?number=15" GET "" "$c" "$DURATION" 2 yes
  has fib-nospool &&
    run_case fib-nospool runner-nospool "/execute/fib?number=15" GET "" "$c" "$DURATION" 2 yes
done
# The naive baseline is bound by compiling (tens of ms of CPU each): more connections only queue,
# and at 64-256 its latency (10-25 s) outgrows any window. It is measured at fewer connections,
# where its throughput is the same, with a tail long enough to drain.
for c in $NAIVE_CONNECTIONS; do
  has naive && run_case naive runner "/bench/naive/fib?number=15" GET "" "$c" "$NAIVE_DURATION" 15 yes
done

if has node-fib || has node-ping; then
  start_node
  for c in $CONNECTIONS; do
    has node-ping && run_case node-ping node /ping GET "" "$c" "$DURATION" 2 no
    has node-fib && run_case node-fib node "/execute/fib?number=15" GET "" "$c" "$DURATION" 2 yes
  done
  stop_node
fi

echo "load after: $(cat /proc/loadavg)" >>"$RAW/environment.txt"
top -bn2 -d1 | awk '/^top -/ {n++} n == 2' | head -20 >"$RAW/top-after.txt" || true
cp "$RAW/runner.log" "$RAW/runner.log.keep" 2>/dev/null || true
du -sh "$RUN"/spool-* >"$RAW/spool-usage.txt" 2>/dev/null || true

# --- the report -------------------------------------------------------------------------------------
mkdir -p "$OUT"
rm -rf "$OUT/raw" && cp -r "$RAW" "$OUT/raw" && rm -f "$OUT/raw/runner.log.keep"
python3 "$SCRIPT_DIR/report.py" --results "$RESULTS" --environment "$RAW/environment.txt" \
  --markdown "$OUT/results.md" --chart-data "$OUT/raw/chart.dat"
if ! command -v gnuplot >/dev/null && [[ $(id -u) == 0 ]]; then
  log "installing gnuplot-nox for the chart"
  apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 || log "gnuplot-nox could not be installed"
fi
if command -v gnuplot >/dev/null; then
  gnuplot -e "datafile='$OUT/raw/chart.dat'; outfile='$OUT/chart.png'" "$SCRIPT_DIR/chart.gp" &&
    log "chart: $OUT/chart.png"
else
  log "no gnuplot: chart skipped"
fi
python3 "$SCRIPT_DIR/report.py" --results "$RESULTS" --check
exit
}
