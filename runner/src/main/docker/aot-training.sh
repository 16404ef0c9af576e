#!/bin/sh
# The training run of the runner's JVM ahead-of-time cache (JEP 483/514/515): starts the packaged
# runner once with -XX:AOTCacheOutput, serving the sample functions in FUNCTIONS_DIR and recording
# into a shard that does not exist (records stay in a throwaway spool); the runner invokes each
# function over its own port, then exits (runner.startup.aot-training), and the JVM writes
# APP_DIR/app.aot. The runner image runs it at build time (Dockerfile.jvm), with the image's own
# JVM and JAVA_OPTS (an AOT cache is only used by the exact JVM build that wrote it, with the same
# class path); bench/coldstart/run.sh runs it the same way against a local build.
#
#   usage: aot-training.sh APP_DIR FUNCTIONS_DIR      (env: JAVA, JAVA_OPTS, HTTP_PORT, MANAGEMENT_PORT)
set -eu
app=$1
functions=$2
java=${JAVA:-java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The cache being written is not read: drop the image's own -XX:AOTCache flag.
opts=$(printf '%s\n' "${JAVA_OPTS:-}" | sed 's/-XX:AOTCache=[^ ]*//g')
rm -f "$app/app.aot"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$java" $opts -XX:AOTCacheOutput="$app/app.aot" \
  -Drunner.startup.aot-training=true \
  -Drunner.functions.dir="$functions" \
  -Drunner.functions.module-cache.enabled=false \
  -Drunner.recording.shards=postgresql://training:training@127.0.0.1:9/training \
  -Drunner.recording.spool.dir="$work/spool" \
  -Drunner.recording.drain-timeout=0s \
  -Drunner.shutdown.endpoint-removal-delay=0s \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="${HTTP_PORT:-18080}" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="${MANAGEMENT_PORT:-19000}" \
  -jar "$app/quarkus-run.jar"
test -s "$app/app.aot"
