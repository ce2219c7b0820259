// Prints the table of bench/sbom.sh from its results directory:
//   node bench/sbom-report.mjs RESULTS_DIR RUNS INPUT...
// RESULTS_DIR/<input>.<tool>/runs.tsv holds "wall-seconds<TAB>peak-RSS-KiB<TAB>exit" per run, bom.<run>.json the BOMs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [resultsDir, runsArg, ...inputs] = process.argv.slice(2);
const LIST_CAP = 20;
// Targets of the SBOM issue: speed against cdxgen per input, and our memory ceiling.
const SPEED_TARGET = { npm: 3, maven: 5 };
const RSS_TARGET_MB = 300;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function readTool(dir) {
  const rows = readFileSync(join(dir, "runs.tsv"), "utf8").trim().split("\n")
    .map((l) => l.split("\t")).map(([wall, rss, exit], i) => ({ run: i + 1, wall: +wall, rssKiB: +rss, exit: +exit }));
  const ok = rows.filter((r) => r.exit === 0);
  const last = ok.length ? ok[ok.length - 1] : undefined;
  let bom;
  if (last && existsSync(join(dir, `bom.${last.run}.json`))) {
    bom = JSON.parse(readFileSync(join(dir, `bom.${last.run}.json`), "utf8"));
  }
  return {
    runs: rows.length,
    failed: rows.length - ok.length,
    wall: ok.length ? median(ok.map((r) => r.wall)) : NaN,
    rssMB: ok.length ? median(ok.map((r) => r.rssKiB)) / 1024 : NaN,
    maxRssMB: ok.length ? Math.max(...ok.map((r) => r.rssKiB)) / 1024 : NaN,
    bom,
  };
}

// Every component at any depth (cdxgen nests some), without metadata.component (the scanned project itself).
function components(bom) {
  const all = [];
  const walk = (list) => (list || []).forEach((c) => { all.push(c); walk(c.components); });
  walk(bom?.components);
  return all;
}

// "Without qualifiers": type, namespace, name and version only, percent-decoded, so that
// pkg:maven/g/a@1?type=jar equals pkg:maven/g/a@1 and %40scope equals @scope.
const loose = (purl) => {
  const bare = purl.split("#")[0].split("?")[0];
  let decoded = bare;
  try { decoded = decodeURIComponent(bare); } catch { /* keep as is */ }
  return decoded.replace(/^pkg:([^/]+)/, (_, t) => `pkg:${t.toLowerCase()}`);
};

function purlSets(bom) {
  const comps = components(bom).filter((c) => c.purl);
  // cdxgen tags the Debian/Alpine *source* packages it adds from trivy's SrcName with "source"; a purl counts
  // as a source package when every component carrying it (without qualifiers) is tagged so.
  const source = new Map();
  for (const c of comps) {
    const key = loose(c.purl);
    const isSource = (c.tags || []).includes("source") && !(c.tags || []).includes("binary");
    source.set(key, (source.get(key) ?? true) && isSource);
  }
  return {
    exact: new Set(comps.map((c) => c.purl)),
    loose: new Set(comps.map((c) => loose(c.purl))),
    source: new Set([...source].filter(([, v]) => v).map(([k]) => k)),
  };
}

function diff(a, b) {
  const onlyA = [...a].filter((x) => !b.has(x)).sort();
  const onlyB = [...b].filter((x) => !a.has(x)).sort();
  return { both: a.size - onlyA.length, onlyA, onlyB };
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");
const verdict = (ok) => (ok ? "MET" : "NOT MET");

let out = [];
const say = (s = "") => out.push(s);
say(`SBOM benchmark: ${runsArg} runs per tool, median wall-clock; peak RSS = largest process of the tool's tree (GNU time -v), median over runs.`);

for (const input of inputs) {
  const dirs = readdirSync(resultsDir).filter((d) => d.startsWith(`${input}.`)).sort((a, b) =>
    (a.endsWith(".ours") ? -1 : 0) - (b.endsWith(".ours") ? -1 : 0) || a.localeCompare(b));
  if (!dirs.length) continue;
  const tools = dirs.map((d) => ({ name: d.slice(input.length + 1), ...readTool(join(resultsDir, d)) }));
  const ours = tools.find((t) => t.name === "ours");
  say();
  say(`## ${input}`);
  say(`${pad("tool", 22)}${lpad("median s", 10)}${lpad("peer/ours", 11)}${lpad("RSS MB", 9)}${lpad("max RSS", 9)}${lpad("components", 12)}${lpad("purls", 7)}  failed runs`);
  for (const t of tools) {
    const comps = components(t.bom);
    const ratio = ours && t !== ours && Number.isFinite(ours.wall) ? `${fmt(t.wall / ours.wall, 1)}x` : "";
    say(`${pad(t.name, 22)}${lpad(fmt(t.wall), 10)}${lpad(ratio, 11)}${lpad(fmt(t.rssMB, 0), 9)}${lpad(fmt(t.maxRssMB, 0), 9)}` +
      `${lpad(t.bom ? comps.length : "-", 12)}${lpad(t.bom ? comps.filter((c) => c.purl).length : "-", 7)}  ${t.failed}/${t.runs}`);
  }

  // Targets, printed next to the figures they judge.
  const cdxgen = tools.find((t) => t.name === "cdxgen");
  if (ours && cdxgen && SPEED_TARGET[input]) {
    const r = cdxgen.wall / ours.wall;
    say(`target: >= ${SPEED_TARGET[input]}x faster than cdxgen: ${fmt(r, 1)}x ${verdict(r >= SPEED_TARGET[input])}`);
  }
  if (ours) say(`target: our peak RSS < ${RSS_TARGET_MB} MB: ${fmt(ours.maxRssMB, 0)} MB (max over runs) ${verdict(ours.maxRssMB < RSS_TARGET_MB)}`);

  // Agreement: ours against each peer; without ours, the first peer against the others.
  const base = ours?.bom ? ours : tools.find((t) => t.bom);
  for (const peer of tools) {
    if (!base || peer === base || !peer.bom) continue;
    const a = purlSets(base.bom), b = purlSets(peer.bom);
    const ex = diff(a.exact, b.exact), lo = diff(a.loose, b.loose);
    say();
    say(`agreement ${base.name} vs ${peer.name} (on purl):`);
    say(`  exact:              both ${ex.both}, only ${base.name} ${ex.onlyA.length}, only ${peer.name} ${ex.onlyB.length}`);
    say(`  without qualifiers: both ${lo.both}, only ${base.name} ${lo.onlyA.length}, only ${peer.name} ${lo.onlyB.length}`);
    if (input === "maven" && base === ours && peer.name === "cdx-maven-plugin") {
      say(`target: component set equal to cyclonedx-maven-plugin's (without qualifiers): ` +
        verdict(lo.onlyA.length === 0 && lo.onlyB.length === 0));
    }
    for (const [who, all, sets] of [[base.name, lo.onlyA, a], [peer.name, lo.onlyB, b]]) {
      if (!all.length) continue;
      // Binary packages first: a missing one matters more than a source package one tool adds.
      const sources = all.filter((p) => sets.source.has(p));
      const list = all.filter((p) => !sets.source.has(p)).concat(sources);
      const note = sources.length ? `; ${sources.length} of them tagged "source" by ${who}, listed last` : "";
      say(`  only in ${who} (${list.length}, without qualifiers${note}${list.length > LIST_CAP ? `; first ${LIST_CAP}` : ""}):`);
      list.slice(0, LIST_CAP).forEach((p) => say(`    ${p}${sets.source.has(p) ? "  [source]" : ""}`));
    }
    // Exact-only differences beyond the loose ones are spelling (qualifiers, encoding): a few show which.
    for (const [who, list, looseList] of [[base.name, ex.onlyA, lo.onlyA], [peer.name, ex.onlyB, lo.onlyB]]) {
      const spelling = list.filter((p) => !looseList.includes(loose(p)));
      if (!spelling.length) continue;
      say(`  exact purl only in ${who} though equal without qualifiers (${spelling.length}, first ${Math.min(5, spelling.length)}):`);
      spelling.slice(0, 5).forEach((p) => say(`    ${p}`));
    }
  }
}
console.log(out.join("\n"));
