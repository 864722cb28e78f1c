// Pure helpers of the benchmark: where registry requests go, where CPU time goes, and which
// requests a fault-injecting proxy fails. Kept apart from scripts/bench.ts so they can be tested.
import { createHash } from 'node:crypto';
import { isRecord } from '../src/util/json-shapes.ts';

/** The kind of one registry request, from `METHOD /path` as the loopback proxy logs it. */
export function requestKind(line: string): string {
  const path = line.slice(line.indexOf(' ') + 1).split('?')[0]!;
  if (/\/referrers\//.test(path)) return 'referrers API';
  const manifest = /\/manifests\/([^/]+)$/.exec(path);
  if (manifest) {
    const ref = manifest[1]!;
    if (/^sha256-[0-9a-f]{64}\.sig$/.test(ref)) return '.sig manifest';
    if (/^sha256-[0-9a-f]{64}\.att$/.test(ref)) return '.att manifest';
    if (/^sha256-[0-9a-f]{64}\.sbom$/.test(ref)) return '.sbom manifest';
    if (/^sha256-[0-9a-f]{64}$/.test(ref)) return 'referrers tag (fallback index)';
    return 'image manifest';
  }
  if (/\/blobs\//.test(path)) return 'blob';
  if (/^\/v2\/?$/.test(path)) return 'API check';
  return 'other';
}

/** Requests per component by kind, in order of frequency. */
export function requestBreakdown(lines: string[], components: number): { kind: string; perComponent: number }[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(requestKind(l), (counts.get(requestKind(l)) ?? 0) + 1);
  return [...counts]
    .map(([kind, n]) => ({ kind, perComponent: n / components }))
    .sort((a, b) => b.perComponent - a.perComponent || a.kind.localeCompare(b.kind));
}

/** Lines of `b` beyond those of `a`, as multisets: the requests one run made on top of another's. */
export function extraLines(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const l of a) left.set(l, (left.get(l) ?? 0) + 1);
  return b.filter((l) => {
    const k = left.get(l) ?? 0;
    if (k > 0) left.set(l, k - 1);
    return k === 0;
  });
}

/** The requests that repeat an earlier identical one of the same run: what a cache would have saved. */
export function repeatedLines(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const again = seen.has(l);
    seen.add(l);
    return again;
  });
}

/** The subset of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Module start lines of an esbuild bundle: esbuild writes `// <path>` before each module's code.
 * (indented inside the evaluation worker's IIFE build, scripts/bundle.ts).
 * Returns [line (0-based), area] sorted by line, where area is `src/<layer>` or a package name
 * (`by: 'file'`: the source file, `src/<layer>/<file>.ts`, for packages still their name).
 */
export function bundleModules(bundle: string, by: 'area' | 'file' = 'area'): [number, string][] {
  const out: [number, string][] = [];
  bundle.split('\n').forEach((text, i) => {
    // A worktree whose node_modules links elsewhere gets `../../<dir>/node_modules/…` paths.
    const m = /^\s*\/\/ (?:(?:\.\.\/)+[^/]+\/)?((?:src|node_modules)\/\S+)$/.exec(text);
    if (!m) return;
    const p = m[1]!;
    const ours = by === 'file' ? p : p.split('/').slice(0, 2).join('/').replace(/\.ts$/, '');
    const area = p.startsWith('src/') ? ours : (p.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? p);
    out.push([i, area]);
  });
  return out;
}

function areaAt(modules: [number, string][], line: number): string {
  let lo = 0;
  let hi = modules.length - 1;
  let found = 'bundle prelude';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (modules[mid]![0] <= line) {
      found = modules[mid]![1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Self time by area: our layers (`src/oci`, `src/sigstore`, …), each bundled package, Node's own
 * code, the garbage collector, and idle time (waiting on the network or a child process).
 */
export function profileByArea(profile: CpuProfile, bundleUrlSuffix: string, modules: [number, string][]): { area: string; ms: number; share: number }[] {
  const areaOf = new Map<number, string>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    let area: string;
    if (functionName === '(idle)') area = 'idle (network, child processes)';
    else if (functionName === '(garbage collector)') area = 'garbage collector';
    else if (functionName === '(program)' || functionName === '(root)') area = 'V8 (compile, runtime)';
    else if (url.endsWith(bundleUrlSuffix)) area = areaAt(modules, lineNumber);
    else if (url.startsWith('node:')) area = 'Node built-ins';
    else if (url.startsWith('wasm://')) area = 'wasm (policy)';
    else area = url === '' ? 'native' : 'other';
    areaOf.set(n.id, area);
  }
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const a = areaOf.get(id) ?? 'other';
    ms.set(a, (ms.get(a) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...ms.values()].reduce((s, v) => s + v, 0) || 1;
  return [...ms].map(([area, v]) => ({ area, ms: v, share: v / total })).sort((a, b) => b.ms - a.ms);
}

/** One frame of a sampled stack, as a stage's test sees it: the function, its URL, and its bundle file (`bundleModules(…, 'file')`) when it is bundled code. */
export interface StackFrame {
  functionName: string;
  url: string;
  file: string;
}

/** A named part of a run's work: a sample belongs to the first stage any frame of its stack matches. */
export interface Stage {
  name: string;
  test(frame: StackFrame): boolean;
}

/**
 * Busy time (idle samples left out) by stage: each sample goes to the first stage in `stages` that
 * a frame of its stack matches, from the sampled frame up to the root; samples no stage claims go
 * to `rest`. Stages in order, then `rest`; shares of the thread's busy time.
 */
export function busyByStage(
  profile: CpuProfile,
  bundleUrlSuffix: string,
  files: [number, string][],
  stages: Stage[],
  rest: string,
): { stage: string; ms: number; share: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = new Map(
    profile.nodes.map((n) => [
      n.id,
      {
        functionName: n.callFrame.functionName,
        url: n.callFrame.url,
        file: n.callFrame.url.endsWith(bundleUrlSuffix) ? areaAt(files, n.callFrame.lineNumber) : '',
      },
    ]),
  );
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const stack: StackFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(frames.get(at)!);
    const found = stages.find((s) => stack.some((f) => s.test(f)))?.name ?? rest;
    stageOf.set(id, found);
    return found;
  };
  const ms = new Map<string, number>([...stages.map((s): [string, number] => [s.name, 0]), [rest, 0]]);
  profile.samples.forEach((id, i) => {
    if (frames.get(id)?.functionName === '(idle)') return;
    const stage = classify(id);
    ms.set(stage, ms.get(stage)! + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const busy = [...ms.values()].reduce((a, b) => a + b, 0) || 1;
  return [...ms].map(([stage, v]) => ({ stage, ms: v, share: v / busy }));
}

/**
 * Time of the samples whose stack passes through a function named `under` (an evaluation worker's
 * `evaluateWith`, src/policy/wasm/worker.ts), less the samples stopped in a function named `waiting`
 * (the bridge's `roundTrip`, src/policy/ec/bridge.ts, blocked in Atomics.wait for the main thread's
 * answer to an `ec.*` call): the thread's own CPU for that work, and its WebAssembly part.
 */
export function timeUnder(profile: CpuProfile, under: string, waiting: string): { ms: number; wasmMs: number; waitMs: number } {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    const known = inside.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const v = byId.get(id)?.callFrame.functionName === under || (up !== undefined && isInside(up));
    inside.set(id, v);
    return v;
  };
  const out = { ms: 0, wasmMs: 0, waitMs: 0 };
  profile.samples.forEach((id, i) => {
    if (!isInside(id)) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (frame?.functionName === waiting) out.waitMs += ms;
    else {
      out.ms += ms;
      if (frame?.url.startsWith('wasm://')) out.wasmMs += ms;
    }
  });
  return out;
}

/** A small deterministic PRNG (mulberry32), so a fault run injects the same faults each time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Fault = '429' | '500' | 'drop' | undefined;

/** Picks the fault for one request: `rate429` answer 429 Retry-After: 1, `rate500` 500, `rateDrop` a dropped connection. */
export function faultPicker(rates: { rate429: number; rate500: number; rateDrop: number }, random: () => number): () => Fault {
  return () => {
    const r = random();
    if (r < rates.rate429) return '429';
    if (r < rates.rate429 + rates.rate500) return '500';
    if (r < rates.rate429 + rates.rate500 + rates.rateDrop) return 'drop';
    return undefined;
  };
}

/** The heading of the section scripts/bench-scale.ts's results go under in docs/benchmarks.md. */
export const SCALE_SECTION = '## 10,000 components';

/** A document's section from `heading` to its end (with the blank line before it), or '' when absent. */
export function keptSection(doc: string, heading: string): string {
  const at = doc.indexOf(`\n${heading}\n`);
  return at < 0 ? '' : `\n${doc.slice(at + 1).trimEnd()}\n`;
}

/** A component of an ec-shaped JSON report, as far as verdicts go. */
export interface EcVerdictComponent {
  name: string;
  success: boolean;
  violations?: { metadata?: { code?: string } }[];
  warnings?: { metadata?: { code?: string } }[];
}

const codesOf = (results: { metadata?: { code?: string } }[] | undefined): string =>
  (results ?? [])
    .map((r) => r.metadata?.code ?? '?')
    .sort()
    .join(',');

/**
 * Per component (by name): success, violation codes and warning codes of ec's report against
 * vouch's. A component in one report only is a mismatch too.
 */
export function compareVerdicts(ec: EcVerdictComponent[], vouch: EcVerdictComponent[]): { compared: number; mismatches: string[] } {
  const byName = new Map(vouch.map((c) => [c.name, c]));
  const mismatches: string[] = [];
  for (const e of ec) {
    const v = byName.get(e.name);
    byName.delete(e.name);
    if (!v) {
      mismatches.push(`${e.name}: not in vouch's report`);
      continue;
    }
    const a = `success=${String(e.success)} violations=[${codesOf(e.violations)}] warnings=[${codesOf(e.warnings)}]`;
    const b = `success=${String(v.success)} violations=[${codesOf(v.violations)}] warnings=[${codesOf(v.warnings)}]`;
    if (a !== b) mismatches.push(`${e.name}: ec ${a}, vouch ${b}`);
  }
  for (const name of byName.keys()) mismatches.push(`${name}: not in ec's report`);
  return { compared: ec.length, mismatches };
}

/** Blocks of the doc between `<!-- bench: NAME -->` and `<!-- /bench: NAME -->`, by name, in order. */
export function docBlocks(doc: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- bench: ([^>]+?) -->\n[\s\S]*?<!-- \/bench: \1 -->\n?/g)) blocks.set(m[1]!, m[0].endsWith('\n') ? m[0] : `${m[0]}\n`);
  return blocks;
}

/**
 * Puts `block` (named by its markers) into `doc`: in place of the block of that name, or at the end.
 * A rewritten doc keeps the blocks another run wrote (the ec side-by-side, the transport's figures).
 */
export function withBlock(doc: string, block: string): string {
  const [[name, text]] = [...docBlocks(block)] as [[string, string]];
  const old = docBlocks(doc).get(name);
  if (old !== undefined) return doc.replace(old, () => text);
  return `${doc.trimEnd()}\n\n${text}`;
}

/** `fresh` with every block of `previous` that `fresh` lacks, appended in their order. */
export function carryBlocks(previous: string, fresh: string): string {
  const have = docBlocks(fresh);
  let out = fresh;
  for (const [name, text] of docBlocks(previous)) if (!have.has(name)) out = withBlock(out, text);
  return out;
}

/** Rows as a Markdown table, the columns of the first row in order. */
export function markdownTable(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
}

/** One layer of a cosign `.att` artefact (a DSSE envelope and cosign's annotations). */
export interface CosignLayer {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

const sha256Of = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * A cosign `.att` artefact with one more layer, as `cosign attest` adds one to the attestations an
 * image has (go-containerregistry's mutate.Append): the layer last in the manifest, its digest last
 * in the config's `rootfs.diff_ids` (the envelope is not compressed) and one more `history` entry.
 * Everything else of both documents, key order included, is kept. Returns the bytes to push.
 */
export function appendCosignLayer(manifestJson: string, configJson: string, layer: CosignLayer): { manifest: Buffer; config: Buffer } {
  const manifest = JSON.parse(manifestJson) as unknown;
  const config = JSON.parse(configJson) as unknown;
  if (!isRecord(manifest) || !Array.isArray(manifest.layers) || !isRecord(manifest.config)) throw new Error('not an image manifest with layers and a config');
  if (!isRecord(config) || !isRecord(config.rootfs) || !Array.isArray(config.rootfs.diff_ids)) throw new Error('not an image config with rootfs.diff_ids');
  if (manifest.layers.length !== config.rootfs.diff_ids.length) throw new Error('the manifest and its config do not list the same number of layers');
  config.rootfs.diff_ids.push(layer.digest);
  if (Array.isArray(config.history)) config.history.push({ created: '0001-01-01T00:00:00Z' });
  const configBytes = Buffer.from(JSON.stringify(config));
  manifest.config = { ...manifest.config, size: configBytes.length, digest: sha256Of(configBytes) };
  manifest.layers.push({ mediaType: layer.mediaType, size: layer.size, digest: layer.digest, annotations: layer.annotations });
  return { manifest: Buffer.from(JSON.stringify(manifest)), config: configBytes };
}

/** What `bench-scale.ts vsa` runs: cold and warm on the prepared images, the VSA re-runs on their copy. */
export type VsaCondition = 'cold' | 'warm' | 'vsa-empty' | 'vsa-compiled';

/**
 * The order of one round: even rounds start with the cold run, odd ones with the VSA re-runs, so
 * neither side always runs first (the load drifts). A warm run follows the cold run of its round
 * (it reuses that cache); the re-run with the compiled policy cached takes it from the last cold run,
 * which round 0 has already made by then.
 */
export function vsaRoundOrder(round: number): VsaCondition[] {
  return round % 2 === 0 ? ['cold', 'warm', 'vsa-empty', 'vsa-compiled'] : ['vsa-empty', 'vsa-compiled', 'cold', 'warm'];
}

/** One measured run of `bench-scale.ts vsa`. */
export interface VsaRunMeasure {
  condition: VsaCondition;
  n: number;
  wallS: number;
  userS: number;
  sysS: number;
  maxRssMiB: number;
  requests: number;
  /** Components reported from a VSA. */
  fromVsa: number;
  passed: number;
  components: number;
  /** 1-minute load average at the start. */
  load: number;
  /** CPU seconds the loopback registry spent meanwhile (its share of the run's cost), when measured. */
  registryCpuS?: number;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const VSA_LABELS: Record<VsaCondition, string> = {
  cold: 'cold (empty cache, prepared images)',
  warm: 'warm (verdict cache of the cold run)',
  'vsa-empty': 'VSA re-run, empty cache',
  'vsa-compiled': 'VSA re-run, compiled policy cached',
};

/** One table row per condition (in the order of VSA_LABELS): medians of the runs, the spread of CPU, the loads. */
export function vsaTableRows(runs: VsaRunMeasure[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const condition of Object.keys(VSA_LABELS) as VsaCondition[]) {
    const rs = runs.filter((r) => r.condition === condition);
    if (rs.length === 0) continue;
    const n = rs[0]!.n;
    const cpu = rs.map((r) => r.userS + r.sysS);
    const loads = rs.map((r) => r.load);
    rows.push({
      N: String(n),
      run: VSA_LABELS[condition],
      runs: String(rs.length),
      'CPU s (user + sys, tree)': `${median(cpu).toFixed(2)} (${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)})`,
      'CPU ms / component': ((median(cpu) * 1000) / n).toFixed(2),
      'registry CPU s': rs.every((r) => r.registryCpuS !== undefined) ? median(rs.map((r) => r.registryCpuS!)).toFixed(2) : '—',
      'wall s': median(rs.map((r) => r.wallS)).toFixed(1),
      'peak RSS MiB': median(rs.map((r) => r.maxRssMiB)).toFixed(0),
      'requests / component': median(rs.map((r) => r.requests / n)).toFixed(2),
      'from VSA': `${median(rs.map((r) => r.fromVsa))}/${n}`,
      passed: `${median(rs.map((r) => r.passed))}/${n}`,
      'load (1 min)': `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    });
  }
  return rows;
}
