#!/usr/bin/env bash
# Controller CPU per step of the Jenkins plugin, in a real controller, beside workflow-basic-steps' fileExists (a step
# that makes one call to the agent: Pipeline's own cost of any agent step) and core's archiveArtifacts of one file
# (what evidenceBundle adds when it archives). Target: under 20 ms per step.
# It runs the acceptance suite's SecureDeliveryPluginIT (about 2 minutes), whose last test measures, and prints its figures.
# Needs what the acceptance suite needs (docs/development.md): a Jenkins war and a directory of its plugins.
#
#   JENKINS_WAR=path/to/jenkins.war JENKINS_PLUGINS=path/to/plugins bench/plugin-cpu.sh
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
: "${JENKINS_WAR:?set JENKINS_WAR=path/to/jenkins.war (see docs/development.md)}"
: "${JENKINS_PLUGINS:?set JENKINS_PLUGINS=path/to/plugins-dir (see docs/development.md)}"
exec </dev/null
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -o verify -Pacceptance -pl acceptance -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SecureDeliveryPluginIT -Dfailsafe.failIfNoSpecifiedTests=false
REPORT=acceptance/target/acceptance/controller-cpu.txt
awk 'NR == 1 { print; next }
     { ms[$1] = $2; order[++n] = $1 }
     END {
       ref = ms["fileExists"]
       printf "\n  %-26s %8s %14s %8s\n", "step", "ms/step", "x fileExists", "target"
       for (i = 1; i <= n; i++) {
         s = order[i]
         printf "  %-26s %8.1f %14s %8s\n", s, ms[s], (ref > 0 ? sprintf("%.1fx", ms[s] / ref) : "-"),
                (s == "fileExists" || s == "archiveArtifacts" ? "(peer)" : (ms[s] < 20 ? "met" : "MISSED"))
       }
     }' "$REPORT"
