#!/usr/bin/env bash
# 1,000 canary watches in one JVM on a small shared scheduler, against fabric8's mock Kubernetes API server (CRUD
# mode, in the same JVM) holding one Argo Rollout per watch. Prints threads by kind, retained heap per watch after GC,
# polls and analyses per minute. Targets: at most 4 threads for the watches, under 50 KB of heap per watch.
# See bench/README.md.
#
#   bench/canary.sh [--watches N] [--seconds S] [--interval S] [--threads T] [--analysis fixed|CLASS] [--prometheus URL]
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
exec </dev/null
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -o -pl core test-compile
./mvnw -B -q -o -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/canary-bench.classpath
exec java -Xmx512m -cp "core/target/test-classes:core/target/classes:$(cat core/target/canary-bench.classpath)" \
  io.jenkins.plugins.securedelivery.canary.CanaryBench "$@"
