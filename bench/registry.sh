#!/usr/bin/env bash
# Registry round trips per operation: RegistryStore against a real docker-registry (Debian's, distribution
# 2.8.2, no referrers API), counted on the client and in the registry's access log, next to the protocol
# minimum. Plain HTTP anonymous, then TLS + basic auth. See bench/README.md.
#
#   bench/registry.sh
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; "") ;; *) echo "registry.sh: no arguments expected (try --help)" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

if [ ! -x /usr/bin/docker-registry ]; then
  echo "registry.sh: installing Debian's docker-registry" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
fi

./mvnw -q -B -ntp -pl core test-compile
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -q -B -ntp -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
cd core
java -cp "target/classes:target/test-classes:$(cat "$CP_FILE")" io.jenkins.plugins.securedelivery.oci.RegistryRoundTrips
