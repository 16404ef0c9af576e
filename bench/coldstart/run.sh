#!/usr/bin/env bash
# Cold-start benchmark of the runner: process start -> ready -> first 200 of an invocation, for a
# packaged runner preloading N functions from a directory, recording to two real PostgreSQL
# shards (production settings), side by side for a "before" and an "after" build, interleaved.
# See bench/coldstart/README.md. Writes bench/results/coldstart/ (results.md, raw/).
set -euo pipefail
{

usage() {
  cat <<'USAGE'
usage: bench/coldstart/run.sh [options]
  --before REV            commit of the "before" runner (default: the parent of the first commit
                          of this benchmark, i.e. main when the work started; see BEFORE_DEFAULT)
  --after REV             commit of the "after" runner (default HEAD)
  --after-app DIR         a built runner/target/quarkus-app as "after" instead (exploration only:
                          the table then names no commit); its source tree is DIR/../../..
  --variants "A B"        variants to run (default: "before after after-restart"); see VARIANTS
  --functions "1 20 100"  preloaded function counts (default "1 20 100")
  --reps N                starts per variant and count (default 5), interleaved
  --embedded-reps N       also start N times on the embedded database, 20 functions (default 0)
  --quick                 --reps 2 --functions "1 20"
  --out DIR               results directory (default bench/results/coldstart)
  --work DIR              scratch directory (default /tmp/sr-coldstart-bench)
USAGE
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
PGBIN=/usr/lib/postgresql/15/bin
BEFORE_DEFAULT=61260f9  # main when the cold-start work started
BEFORE=$BEFORE_DEFAULT
AFTER=HEAD
AFTER_APP=""
VARIANTS="before after after-restart"
FUNCTIONS="1 20 100"
REPS=5
EMBEDDED_REPS=0
OUT="$REPO/bench/results/coldstart"
WORK=/tmp/sr-coldstart-bench
COMMAND_LINE="bench/coldstart/run.sh $*"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) BEFORE=$2; shift ;;
    --after) AFTER=$2; shift ;;
    --after-app) AFTER_APP=$(cd "$2" && pwd); shift ;;
    --variants) VARIANTS=$2; shift ;;
    --functions) FUNCTIONS=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --embedded-reps) EMBEDDED_REPS=$2; shift ;;
    --quick) REPS=2; FUNCTIONS="1 20" ;;
    --out) OUT=$2; shift ;;
    --work) WORK=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ -x $PGBIN/postgres ]] || die "PostgreSQL 15 binaries not found in $PGBIN"
[[ -x $JAVA ]] || die "JDK 25 not found in $JAVA_HOME"

mkdir -p "$WORK"
RUN="$WORK/run"
rm -rf "$RUN" && mkdir -p "$RUN/raw"
RESULTS="$RUN/raw/results.jsonl"
: >"$RESULTS"

PG_DIRS=()
teardown() {
  local rc=$?
  set +e
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

# --- builds: each commit exported with git archive and packaged in the scratch directory --------
# build REV -> sets BUILT_SRC to the source tree whose runner/target/quarkus-app is packaged.
build() {
  local sha key src
  sha=$(git -C "$REPO" rev-parse --verify "$1^{commit}")
  # Keyed by every tree the runner is built from (not bench/ or docs), so a commit touching only
  # those reuses the previous build.
  key=$(git -C "$REPO" ls-tree "$sha" | grep -vE '	(bench|e2e|operator|deploy|README\.md)$' |
    sha1sum | cut -c1-12)
  src="$WORK/src-$key"
  if [[ ! -f $src/runner/target/quarkus-app/quarkus-run.jar ]]; then
    log "building the runner from ${sha:0:12} in $src"
    rm -rf "$src" && mkdir -p "$src"
    git -C "$REPO" archive "$sha" | tar -x -C "$src"
    (cd "$src" && JAVA_HOME=$JAVA_HOME ./mvnw -B -q -pl runner -am package -DskipTests) \
      >"$WORK/build-$key.log" 2>&1 || die "build failed, see $WORK/build-$key.log"
    echo "$sha" >"$src/BUILT_FROM"
  fi
  BUILT_SRC=$src
}

built_from() { cat "$1/BUILT_FROM" 2>/dev/null || echo "prebuilt $1/runner/target/quarkus-app"; }

# The production JVM flags of a build: JAVA_OPTS of its runner image's Dockerfile.
image_java_opts() {
  sed -nE 's/^ENV JAVA_OPTS="([^"]*)".*/\1/p' "$1/runner/src/main/docker/Dockerfile.jvm"
}

# A build whose image trains a JVM AOT cache (runner/src/main/docker/aot-training.sh) gets the same
# training here, against its own quarkus-app, with this machine's JDK (an AOT cache only fits the
# exact JVM that wrote it); the image's -XX:AOTCache path is rewritten to the local file.
prepare_aot() {
  local src=$1 app="$1/runner/target/quarkus-app" script="$1/runner/src/main/docker/aot-training.sh"
  [[ -f $script ]] || return 0
  if [[ ! -f $app/app.aot ]]; then
    log "training the JVM AOT cache of $(built_from "$src")"
    JAVA=$JAVA JAVA_OPTS="$(image_java_opts "$src")" HTTP_PORT=$(free_port) \
      MANAGEMENT_PORT=$(free_port) sh "$script" "$app" "$src/runner/target/aot-training" \
      >"$app/aot-training.log" 2>&1 || die "AOT training failed, see $app/aot-training.log"
  fi
}

build "$BEFORE"
BEFORE_SRC=$BUILT_SRC
if [[ -n $AFTER_APP ]]; then
  AFTER_SRC=$(cd "$AFTER_APP/../../.." && pwd)
else
  build "$AFTER"
  AFTER_SRC=$BUILT_SRC
fi
prepare_aot "$BEFORE_SRC"
prepare_aot "$AFTER_SRC"

# --- PostgreSQL: two shards, as bench/load/run.sh starts them --------------------------------
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
    cat >>"$dir/postgresql.conf" <<PGCONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base/sock$i'
max_connections = 300
PGCONF
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir" -l "$base/shard$i.log" -w -t 60 start \
      >/dev/null || die "shard $i did not start: $base/shard$i.log"
    PG_DIRS+=("$dir")
    psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE runner LOGIN PASSWORD 'pw'" -c "CREATE DATABASE runner OWNER runner" >/dev/null
    SHARD_URIS+=("postgresql://runner:pw@127.0.0.1:$port/runner")
  done
}
start_shards
SHARDS=$(IFS=,; echo "${SHARD_URIS[*]}")

# --- the functions -------------------------------------------------------------------------------
for n in $FUNCTIONS 20; do
  [[ -d $RUN/functions-$n ]] || python3 "$SCRIPT_DIR/functions.py" "$REPO/guests/wasm" "$RUN/functions-$n" "$n"
done

# --- variants: NAME -> app and options -----------------------------------------------------------
# The module cache directory of "after" is empty at each start (a new pod: its emptyDir is new);
# "after-restart" keeps it from the previous start (the container restarted in the same pod).
variant_app() {
  case $1 in before*) echo "$BEFORE_SRC/runner/target/quarkus-app" ;; *) echo "$AFTER_SRC/runner/target/quarkus-app" ;; esac
}
variant_src() {
  case $1 in before*) echo "$BEFORE_SRC" ;; *) echo "$AFTER_SRC" ;; esac
}
# variant_opts NAME N RUNDIR: JVM options beyond the image's JAVA_OPTS.
variant_opts() {
  local name=$1 n=$2 dir=$3 app
  app=$(variant_app "$name")
  local opts=()
  if [[ -f $app/app.aot && $name != *-noaot* ]]; then
    opts+=("-XX:AOTCache=$app/app.aot")
  fi
  # Builds with the compiled-module cache on disk (runner.functions.module-cache.*).
  if grep -q 'ModuleCache moduleCache()' \
    "$(variant_src "$name")/runner/src/main/java/dev/serverlessrunner/runner/config/RunnerConfig.java"; then
    case $name in
      *-restart*) opts+=("-Drunner.functions.module-cache.dir=$RUN/module-cache-$name-$n") ;;
      *-nocache*) opts+=("-Drunner.functions.module-cache.enabled=false") ;;
      *) rm -rf "$dir/module-cache" && opts+=("-Drunner.functions.module-cache.dir=$dir/module-cache") ;;
    esac
    case $name in *-serial*) opts+=("-Drunner.functions.preload-parallelism=1") ;; esac
  fi
  printf '%s\n' "${opts[@]}"
}

# measure VARIANT N REP [embedded]
measure() {
  local name=$1 n=$2 rep=$3 embedded=${4:-} app src port mport dir opts=()
  app=$(variant_app "$name")
  src=$(variant_src "$name")
  port=$(free_port)
  mport=$(free_port)
  dir="$RUN/starts/$name-n$n-r$rep${embedded:+-embedded}"
  rm -rf "$dir" && mkdir -p "$dir"
  local image_opts
  read -r -a image_opts <<<"$(image_java_opts "$src" | sed "s#/deployments/app.aot#$app/app.aot#g")"
  # The image's own -XX:AOTCache path (if any) is replaced by variant_opts' local one.
  for o in "${image_opts[@]}"; do [[ $o == -XX:AOTCache=* ]] || opts+=("$o"); done
  while IFS= read -r o; do [[ -n $o ]] && opts+=("$o"); done < <(variant_opts "$name" "$n" "$dir")
  opts+=(
    "-Dquarkus.http.host=127.0.0.1" "-Dquarkus.http.port=$port"
    "-Dquarkus.management.host=127.0.0.1" "-Dquarkus.management.port=$mport"
    "-Drunner.functions.dir=$RUN/functions-$n"
    # A new module is picked up within 50 ms (the default rescan is 1 s), standing in for the
    # Kubernetes watch, which delivers at once; the same for every variant.
    "-Drunner.functions.scan-interval=50ms"
    "-Drunner.recording.spool.dir=$dir/spool"
    # Stopping is not measured: no endpoint-removal wait after the measurement.
    "-Drunner.shutdown.endpoint-removal-delay=0s"
  )
  if [[ -n $embedded ]]; then
    opts+=("-Drunner.recording.embedded-data-dir=$RUN/embedded-$name")
  else
    opts+=("-Drunner.recording.shards=$SHARDS")
  fi
  # A module no runner has seen (unique bytes), named for the start that serves it.
  local new="$dir/new-$name-$rep.wasm"
  python3 "$SCRIPT_DIR/functions.py" "$REPO/guests/wasm" "$new" --one "$name $n $rep $(date +%s%N)"
  local args=()
  for o in "${opts[@]}"; do args+=("--opt=$o"); done
  local line
  line=$(python3 "$SCRIPT_DIR/measure.py" --java "$JAVA" --app "$app" "${args[@]}" \
    --port "$port" --mport "$mport" --function f000-greeter --log "$dir/runner.log" \
    --functions-dir "$RUN/functions-$n" --new-module "$new" \
    --label "$name") || die "$name n=$n rep $rep failed, see $dir/runner.log"
  python3 - "$RESULTS" "$line" "$name" "$n" "$rep" "${embedded:-shards}" <<'PY'
import json, sys
rec = json.loads(sys.argv[2])
rec.update(variant=sys.argv[3], functions=int(sys.argv[4]), rep=int(sys.argv[5]), recording=sys.argv[6])
open(sys.argv[1], "a").write(json.dumps(rec) + "\n")
print(f"{rec['variant']:>16} n={rec['functions']:<3} rep {rec['rep']}: ready {rec['ready_s']:.3f}s "
      f"first 200 {rec['first200_s']:.3f}s (cpu {rec['first200_cpu_s']:.2f}s) "
      f"new module {rec.get('new_module_s', 0)*1000:.0f} ms  load {rec['loadavg']}", file=sys.stderr)
PY
}

{
  echo "command: $COMMAND_LINE"
  echo "before: $(built_from "$BEFORE_SRC")"
  echo "after: $(built_from "$AFTER_SRC")"
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "memory: $(free -m | awk '/Mem:/ {print $2}') MiB"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  echo "load before: $(cat /proc/loadavg)"
} >"$RUN/raw/environment.txt"

# One unmeasured start per variant first (page cache, shard schema created), then the measured
# starts interleaved: rep by rep, each count, each variant in turn.
# A "-restart" variant's warm-up start at each count also fills its module cache, as the start
# before a container restart did.
for v in $VARIANTS; do
  counts=${FUNCTIONS%% *}
  [[ $v == *-restart* ]] && counts=$FUNCTIONS
  for n in $counts; do
    log "warm-up start of $v, $n functions"
    measure "$v" "$n" 0 >/dev/null
  done
done
sed -i '/"rep": 0,/d' "$RESULTS"
for ((rep = 1; rep <= REPS; rep++)); do
  for n in $FUNCTIONS; do
    for v in $VARIANTS; do
      measure "$v" "$n" "$rep"
    done
  done
done
if ((EMBEDDED_REPS > 0)); then
  for v in $VARIANTS; do measure "$v" 20 0 embedded >/dev/null; done  # initdb, unmeasured
  sed -i '/"rep": 0,/d' "$RESULTS"
  for ((rep = 1; rep <= EMBEDDED_REPS; rep++)); do
    for v in $VARIANTS; do measure "$v" 20 "$rep" embedded; done
  done
fi
echo "load after: $(cat /proc/loadavg)" >>"$RUN/raw/environment.txt"

mkdir -p "$OUT"
rm -rf "$OUT/raw" && mkdir -p "$OUT/raw"
cp "$RESULTS" "$RUN/raw/environment.txt" "$OUT/raw/"
python3 "$SCRIPT_DIR/report.py" "$OUT/raw/results.jsonl" "$OUT/raw/environment.txt" >"$OUT/results.md"
log "results: $OUT/results.md"
cat "$OUT/results.md"
exit
}
