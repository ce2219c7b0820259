#!/usr/bin/env bash
# Side-by-side SBOM benchmark: `secure-delivery sbom generate` against cdxgen (npm, Maven, container image)
# and cyclonedx-maven-plugin (Maven), on the same inputs, in one run. See bench/README.md.
#
#   bench/sbom.sh [--runs N] [--only npm,maven,image] [--no-ours]
#
# Everything it installs or builds lands in bench/work/ (gitignored); results in bench/results/<timestamp>/.
set -euo pipefail

RUNS=5
ONLY="npm,maven,image"
WITH_OURS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --no-ours) WITH_OURS=0; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sbom.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "sbom.sh: --runs needs a positive integer, got '$RUNS'" >&2; exit 2 ;; esac
for input in ${ONLY//,/ }; do
  case "$input" in npm|maven|image) ;; *) echo "sbom.sh: --only takes npm, maven, image; got '$input'" >&2; exit 2 ;; esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench"
WORK="$BENCH/work"
RESULTS="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)"
CDXGEN_VERSION=12.8.4
CDX_MAVEN_PLUGIN_VERSION=2.9.3   # newest on Maven Central in November 2026
mkdir -p "$WORK" "$RESULTS"

log() { printf '\n== %s\n' "$*" >&2; }
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- tools
install_tools() {
  local missing=()
  /usr/bin/time -v true >/dev/null 2>&1 || missing+=(time)
  command -v jq >/dev/null || missing+=(jq)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  for tool in node npm mvn java tar gzip sha256sum; do
    command -v "$tool" >/dev/null || { echo "sbom.sh: '$tool' is needed on PATH" >&2; exit 1; }
  done
  CDXGEN="$WORK/cdxgen/node_modules/.bin/cdxgen"
  if ! [ -x "$CDXGEN" ] || [ "$(jq -r .version "$WORK/cdxgen/node_modules/@cyclonedx/cdxgen/package.json")" != "$CDXGEN_VERSION" ]; then
    log "installing @cyclonedx/cdxgen@$CDXGEN_VERSION into bench/work/cdxgen"
    mkdir -p "$WORK/cdxgen"
    npm install --prefix "$WORK/cdxgen" --no-audit --no-fund --loglevel=error "@cyclonedx/cdxgen@$CDXGEN_VERSION" >&2
  fi
  # Timed runs get no network at all when we may make a network namespace; otherwise they run offline by flags.
  if unshare -n true 2>/dev/null; then NO_NET=(unshare -n); else NO_NET=(); log "unshare -n unavailable: timed runs rely on offline flags"; fi
}

# ---------------------------------------------------------------- inputs
NPM_INPUT="$WORK/inputs/npm-large"
MAVEN_INPUT="$WORK/inputs/maven-large"
IMAGE_DIR="$WORK/inputs/image-oci"          # OCI image layout directory
IMAGE_TAR="$WORK/inputs/image-docker.tar"   # the same image as `docker save` writes it (OCI layout + manifest.json)

prepare_npm() {
  rm -rf "$NPM_INPUT"; mkdir -p "$NPM_INPUT"
  cp "$BENCH/fixtures/npm-large/package.json" "$BENCH/fixtures/npm-large/package-lock.json" "$NPM_INPUT/"
  local count; count=$(jq '[.packages | keys[] | select(. != "")] | length' "$NPM_INPUT/package-lock.json")
  log "npm input: $count packages in package-lock.json"
  [ "$count" -ge 1000 ] || { echo "sbom.sh: the npm fixture should hold >= 1,000 packages, has $count" >&2; exit 1; }
}

prepare_maven() {
  rm -rf "$MAVEN_INPUT"; mkdir -p "$MAVEN_INPUT"
  cp "$BENCH/fixtures/maven-large/pom.xml" "$MAVEN_INPUT/"
  log "warming the local Maven repository (untimed; log in $RESULTS/maven-warmup.log)"
  # dependency:tree in JSON is what cdxgen runs; the plugin is the other peer: both get resolved here, once.
  if ! (cd "$MAVEN_INPUT" &&
    mvn -B dependency:resolve -DoutputFile=target/resolved.txt &&
    mvn -B dependency:tree -DoutputType=json -DoutputFile=target/tree.json &&
    mvn -B "org.cyclonedx:cyclonedx-maven-plugin:$CDX_MAVEN_PLUGIN_VERSION:makeAggregateBom" \
      -DoutputFormat=json -DoutputName=bom -DschemaVersion=1.6) > "$RESULTS/maven-warmup.log" 2>&1; then
    tail -20 "$RESULTS/maven-warmup.log" >&2; echo "sbom.sh: warming the Maven repository failed" >&2; exit 1
  fi
  local count; count=$(grep -c ':jar:' "$MAVEN_INPUT/target/resolved.txt")
  log "maven input: $count resolved dependencies (compile + runtime)"
  [ "$count" -ge 100 ] || { echo "sbom.sh: the Maven fixture should resolve >= 100 dependencies, resolves $count" >&2; exit 1; }
  rm -rf "$MAVEN_INPUT/target"
}

# Builds a one-layer image from this machine's own Debian package database: the layer holds what an OS-package
# scanner reads (dpkg status and file lists, copyright files, os-release), so every tool sees the same packages.
prepare_image() {
  local root="$WORK/inputs/image-root" blobs="$IMAGE_DIR/blobs/sha256"
  rm -rf "$root" "$IMAGE_DIR" "$IMAGE_TAR"; mkdir -p "$root/etc" "$root/usr/lib" "$root/var/lib/dpkg/info" "$blobs"
  cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"
  local count; count=$(grep -c '^Package:' "$root/var/lib/dpkg/status")
  [ "$count" -ge 300 ] || { echo "sbom.sh: the image needs >= 300 dpkg packages; this machine has $count" >&2; exit 1; }
  cp /usr/lib/os-release "$root/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$root/etc/os-release"
  cp /etc/debian_version "$root/etc/debian_version"
  cp /var/lib/dpkg/info/*.list "$root/var/lib/dpkg/info/"
  (cd / && for f in usr/share/doc/*/copyright; do [ -f "$f" ] && printf '%s\n' "$f"; done) > "$WORK/inputs/copyrights.txt"
  tar -C / -cf - -T "$WORK/inputs/copyrights.txt" | tar -C "$root" -xf -

  local layer_tar="$WORK/inputs/layer.tar"
  tar -C "$root" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$layer_tar" .
  local diff_id; diff_id="sha256:$(sha256sum "$layer_tar" | cut -d' ' -f1)"
  gzip -n -6 -c "$layer_tar" > "$WORK/inputs/layer.tar.gz"; rm -f "$layer_tar"
  local layer_digest layer_size
  layer_digest="$(sha256sum "$WORK/inputs/layer.tar.gz" | cut -d' ' -f1)"
  layer_size="$(stat -c %s "$WORK/inputs/layer.tar.gz")"
  mv "$WORK/inputs/layer.tar.gz" "$blobs/$layer_digest"

  local config="$WORK/inputs/config.json" config_digest config_size
  jq -cn --arg diff "$diff_id" '{
      created: "1970-01-01T00:00:00Z", architecture: "amd64", os: "linux",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["bash"], WorkingDir: "/"},
      rootfs: {type: "layers", diff_ids: [$diff]},
      history: [{created: "1970-01-01T00:00:00Z", created_by: "bench/sbom.sh: dpkg database of the build machine"}]
    }' > "$config"
  config_digest="$(sha256sum "$config" | cut -d' ' -f1)"; config_size="$(stat -c %s "$config")"
  mv "$config" "$blobs/$config_digest"

  local manifest="$WORK/inputs/manifest.json" manifest_digest manifest_size
  jq -cn --arg cd "sha256:$config_digest" --argjson cs "$config_size" --arg ld "sha256:$layer_digest" --argjson ls "$layer_size" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]
    }' > "$manifest"
  manifest_digest="$(sha256sum "$manifest" | cut -d' ' -f1)"; manifest_size="$(stat -c %s "$manifest")"
  mv "$manifest" "$blobs/$manifest_digest"

  echo '{"imageLayoutVersion":"1.0.0"}' > "$IMAGE_DIR/oci-layout"
  jq -cn --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
                   annotations: {"io.containerd.image.name": "localhost/bench/debian-dpkg:1", "org.opencontainers.image.ref.name": "1"}}]
    }' > "$IMAGE_DIR/index.json"

  # docker save (Docker 25+) writes the OCI layout plus a legacy manifest.json; cdxgen reads image archives in this form.
  local stage="$WORK/inputs/docker-stage"
  rm -rf "$stage"; cp -r "$IMAGE_DIR" "$stage"
  jq -cn --arg c "blobs/sha256/$config_digest" --arg l "blobs/sha256/$layer_digest" \
    '[{Config: $c, RepoTags: ["localhost/bench/debian-dpkg:1"], Layers: [$l]}]' > "$stage/manifest.json"
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$IMAGE_TAR" .
  rm -rf "$stage" "$root"
  log "image input: $count dpkg packages, layer $((layer_size / 1024)) KiB, $IMAGE_DIR and $IMAGE_TAR"
}

# ---------------------------------------------------------------- runners
# Each cmd_<tool> <input> <out.json> sets CMD to the argv of one run (GNU time execs it, so no shell functions).
cmd_ours() {
  local input="$1" out="$2"; shift 2
  CMD=("$ROOT/secure-delivery" sbom generate "$input" -o "$out" --reproducible "$@")
}
cmd_cdxgen() {
  # --no-install-deps: scan what is there; cdxgen's other defaults (validation on, evidence off) are kept.
  # MVN_ARGS=-o: its Maven runs offline, on the warmed local repository.
  local type="$1" input="$2" out="$3"
  CMD=(env CDXGEN_TEMP_DIR="$WORK/tmp" MVN_ARGS=-o FETCH_LICENSE=false
    "$CDXGEN" -t "$type" --spec-version 1.6 --no-install-deps -o "$out" "$input")
}
cmd_cdx_maven() {
  # No -o: the plugin's goals declare that they need online mode and refuse -o; the network namespace keeps it local.
  CMD=(mvn -q -B -f "$1/pom.xml" "org.cyclonedx:cyclonedx-maven-plugin:$CDX_MAVEN_PLUGIN_VERSION:makeAggregateBom"
    -DoutputFormat=json -DoutputName=bom -DschemaVersion=1.6 -DoutputDirectory="$2.d")
}

# Ours is the repository's ./secure-delivery, which builds the CLI when missing or stale (and its class-data
# archive on first use).
ours_available() {
  [ "$WITH_OURS" = 1 ] && [ -x "$ROOT/secure-delivery" ] || return 1
  # Build now, with the network (the timed runs have none), so that a new dependency can be downloaded.
  log "building the CLI if it is stale (./secure-delivery --version)"
  "$ROOT/secure-delivery" --version >&2
}

# measure <label> <run>: one timed run of CMD under /usr/bin/time -v, without network; records wall seconds,
# peak RSS (KiB) and exit status in $RESULTS/<label>/runs.tsv, output and logs beside it.
# Run 0 is the untimed warm-up (builds, caches, page cache): it is logged but not counted.
measure() {
  local label="$1" run="$2"
  local dir="$RESULTS/$label"; mkdir -p "$dir"
  if [ "$run" = 0 ]; then
    local status=0
    "${NO_NET[@]}" "${CMD[@]}" > "$dir/log.warmup" 2>&1 || status=$?
    printf '   %-24s warm-up: exit %d\n' "$label" "$status" >&2
    [ "$status" = 0 ] || tail -5 "$dir/log.warmup" | sed 's/^/     /' >&2
    return 0
  fi
  local start end status=0
  start=$(date +%s%N)
  /usr/bin/time -v -o "$dir/time.$run" "${NO_NET[@]}" "${CMD[@]}" > "$dir/log.$run" 2>&1 || status=$?
  end=$(date +%s%N)
  local rss; rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.$run")
  printf '%s\t%s\t%s\n' "$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", (e - s) / 1e9}')" "$rss" "$status" >> "$dir/runs.tsv"
  printf '   %-24s run %d: %6.2f s %5d MB exit %d\n' "$label" "$run" "$(tail -1 "$dir/runs.tsv" | cut -f1)" $((rss / 1024)) "$status" >&2
  if [ "$status" != 0 ]; then echo "   $label run $run FAILED (exit $status); last lines of $dir/log.$run:" >&2; tail -5 "$dir/log.$run" | sed 's/^/     /' >&2; fi
}

# bench_input <input-name> <tool>...: runs bench_<tool> <run> for every run, round-robin so that drift hits every tool alike.
declare -a SUMMARY=()
bench_input() {
  local name="$1"; shift
  local -a labels=("$@")
  log "$name: ${#labels[@]} tools x $RUNS runs"
  local run label
  for label in "${labels[@]}"; do "bench_$label" 0; done
  for run in $(seq 1 "$RUNS"); do
    for label in "${labels[@]}"; do
      "bench_$label" "$run"
    done
  done
  SUMMARY+=("$name")
}

# ---------------------------------------------------------------- main
install_tools
HAVE_OURS=0
if ours_available; then HAVE_OURS=1; else log "no ./secure-delivery (or --no-ours): measuring the peers only"; fi
mkdir -p "$WORK/tmp"

if want npm; then
  prepare_npm
  bench_npm_ours() { cmd_ours "$NPM_INPUT" "$RESULTS/npm.ours/bom.$1.json"; measure npm.ours "$1"; }
  bench_npm_cdxgen() { cmd_cdxgen npm "$NPM_INPUT" "$RESULTS/npm.cdxgen/bom.$1.json"; measure npm.cdxgen "$1"; }
  tools=(npm_cdxgen); [ "$HAVE_OURS" = 1 ] && tools=(npm_ours npm_cdxgen)
  bench_input npm "${tools[@]}"
fi
if want maven; then
  prepare_maven
  # --offline: resolve from the warmed local repository, as the peers do (cdxgen with -o, the plugin in the namespace).
  bench_maven_ours() { cmd_ours "$MAVEN_INPUT" "$RESULTS/maven.ours/bom.$1.json" --offline; measure maven.ours "$1"; }
  bench_maven_cdxgen() {
    rm -rf "$MAVEN_INPUT/target"
    cmd_cdxgen java "$MAVEN_INPUT" "$RESULTS/maven.cdxgen/bom.$1.json"; measure maven.cdxgen "$1"
  }
  bench_maven_cdxmaven() {
    local out="$RESULTS/maven.cdx-maven-plugin/bom.$1.json"
    rm -rf "$MAVEN_INPUT/target"
    cmd_cdx_maven "$MAVEN_INPUT" "$out"; measure maven.cdx-maven-plugin "$1"
    if [ -f "$out.d/bom.json" ]; then mv "$out.d/bom.json" "$out"; rm -rf "$out.d"; fi
  }
  tools=(maven_cdxgen maven_cdxmaven); [ "$HAVE_OURS" = 1 ] && tools=(maven_ours maven_cdxgen maven_cdxmaven)
  bench_input maven "${tools[@]}"
  rm -rf "$MAVEN_INPUT/target"
fi
if want image; then
  prepare_image
  bench_image_ours() { cmd_ours "$IMAGE_DIR" "$RESULTS/image.ours/bom.$1.json"; measure image.ours "$1"; }
  bench_image_cdxgen() { cmd_cdxgen docker "$IMAGE_TAR" "$RESULTS/image.cdxgen/bom.$1.json"; measure image.cdxgen "$1"; }
  tools=(image_cdxgen); [ "$HAVE_OURS" = 1 ] && tools=(image_ours image_cdxgen)
  bench_input image "${tools[@]}"
fi

log "report (also in $RESULTS/report.txt)"
{
  echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1);" \
    "node $(node -v); mvn $(mvn -v 2>/dev/null | sed -n '1s/.*Maven \([0-9.]*\).*/\1/p'); cdxgen $CDXGEN_VERSION; cyclonedx-maven-plugin $CDX_MAVEN_PLUGIN_VERSION;" \
    "ours $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] && echo ' (dirty)')"
  node "$BENCH/sbom-report.mjs" "$RESULTS" "$RUNS" "${SUMMARY[@]}"
} | tee "$RESULTS/report.txt"
