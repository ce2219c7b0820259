#!/usr/bin/env bash
# 1,000 canary watches in one JVM on a small shared scheduler, against fabric8's mock Kubernetes API server (CRUD
# mode, in the same JVM) holding one Argo Rollout per watch, each judged by the real Prometheus analysis against a real
# Prometheus (Debian's, started here on a free loopback port) scraping a simulated traffic service. Prints threads by
# kind, retained heap per watch after GC, polls, analyses and Prometheus queries per minute. Targets: at most 4 threads
# for the watches, under 50 KB of heap per watch. See bench/README.md.
#
#   bench/canary.sh [--watches N] [--seconds S] [--interval S] [--threads T] [--analysis prometheus|fixed]
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
exec </dev/null
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -o -pl core test-compile
./mvnw -B -q -o -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/canary-bench.classpath

analysis=prometheus
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  [ "${args[i]}" = --analysis ] && analysis="${args[i + 1]}"
done

work="$(mktemp -d)"
prometheus_pid=""
stop() {
  if [ -n "$prometheus_pid" ]; then
    kill "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

extra=()
if [ "$analysis" = prometheus ]; then
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # The bench writes its traffic service's address into targets.json once it listens; Prometheus watches the file.
  echo '[]' > "$work/targets.json"
  cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: canary-bench
    scrape_interval: 1s
    scrape_timeout: 900ms
    file_sd_configs:
      - files: ['$work/targets.json']
YAML
  /usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn > "$work/prometheus.log" 2>&1 &
  prometheus_pid=$!
  extra=(--prometheus "http://127.0.0.1:$port" --targets "$work/targets.json")
fi

status=0
java -Xmx512m -cp "core/target/test-classes:core/target/classes:$(cat core/target/canary-bench.classpath)" \
  io.jenkins.plugins.securedelivery.canary.CanaryBench "$@" "${extra[@]}" || status=$?
if [ "$status" -ne 0 ] && [ -s "$work/prometheus.log" ]; then
  echo "Prometheus log:" >&2
  tail -20 "$work/prometheus.log" >&2
fi
exit "$status"
