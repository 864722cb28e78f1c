// The side-by-side with the real ec (`npm run bench -- --ec PATH`, or EC_BIN): the same snapshot,
// registry (behind the counting proxy) and policy, both tools cold (ec with an empty HOME, vouch
// with an empty cache, so vouch's compile is included), runs paired and alternated. Each run is
// measured by a small Python wrapper with getrusage(RUSAGE_CHILDREN): wall, CPU and peak RSS of the
// whole process tree (vouch's `opa build` child included), the same way for both tools.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareVerdicts, markdownTable, median, withBlock, type EcVerdictComponent } from './bench-lib.ts';

const run = promisify(execFile);

const RUSAGE = `import json, resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[2], 'wb') as log:
    code = subprocess.call(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=log)
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], 'w').write(json.dumps({'code': code, 'wallS': wall, 'cpuS': u.ru_utime + u.ru_stime, 'maxRssKiB': u.ru_maxrss}))
`;

export interface ToolRun {
  code: number;
  wallS: number;
  cpuS: number;
  maxRssKiB: number;
  requests: number;
  tmpFiles: number;
  tmpBytes: number;
  report: string;
}

async function treeSize(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

/** One run of `argv` with a fresh TMPDIR: rusage of the tree, requests seen by the proxy, TMPDIR left over. */
async function measure(argv: string[], env: NodeJS.ProcessEnv, dir: string, takeRequests: () => number): Promise<Omit<ToolRun, 'report'>> {
  const tmp = await mkdtemp(join(dir, 'tmp-'));
  const out = join(dir, 'rusage.json');
  takeRequests();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('python3', ['-c', RUSAGE, out, join(dir, 'stderr.log'), ...argv], { env: { ...env, TMPDIR: tmp }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => {
      resolve();
    });
  });
  const r = JSON.parse(await readFile(out, 'utf8')) as { code: number; wallS: number; cpuS: number; maxRssKiB: number };
  const left = await treeSize(tmp);
  return { ...r, requests: takeRequests(), tmpFiles: left.files, tmpBytes: left.bytes };
}

export interface EcSetup {
  ec: string;
  node: string;
  vouch: string;
  components: string;
  publicKey: string;
  /** The --policy JSON for ec and for vouch's cold run. */
  policy: string;
  /** The --policy JSON naming a pre-compiled bundle (vouch only), for the pre-compiled row. */
  bundlePolicy?: string;
  workers: number;
  reps: number;
  dir: string;
  takeRequests: () => number;
}

function common(setup: EcSetup, policy: string, report: string): string[] {
  return [
    'validate',
    'image',
    '--images',
    setup.components,
    '--public-key',
    setup.publicKey,
    '--ignore-rekor',
    '--policy',
    policy,
    '--output',
    `json=${report}`,
    '--strict=false',
    '--workers',
    String(setup.workers),
    '--timeout',
    '60m',
  ];
}

async function runEc(setup: EcSetup, tag: string): Promise<ToolRun> {
  const dir = await mkdtemp(join(setup.dir, `ec-${tag}-`));
  const report = join(dir, 'report.json');
  const home = await mkdtemp(join(dir, 'home-'));
  const m = await measure([setup.ec, ...common(setup, setup.policy, report)], { PATH: process.env.PATH, HOME: home }, dir, setup.takeRequests);
  return { ...m, report };
}

async function runVouch(setup: EcSetup, tag: string, policy: string): Promise<ToolRun> {
  const dir = await mkdtemp(join(setup.dir, `vouch-${tag}-`));
  const report = join(dir, 'report.json');
  const m = await measure(
    [setup.node, setup.vouch, ...common(setup, policy, report)],
    { PATH: process.env.PATH, HOME: dir, VOUCH_CACHE_DIR: join(dir, 'cache') },
    dir,
    setup.takeRequests,
  );
  return { ...m, report };
}

export interface EcRow {
  [column: string]: string | number;
}

/**
 * Paired runs at one N: `reps` pairs, ec first in even pairs and vouch first in odd ones (`offset`
 * shifts the alternation between sizes). The row gives medians and the verdicts compared per component.
 */
export async function ecComparison(n: number, label: string, setup: EcSetup, policy: string, offset: number): Promise<EcRow> {
  const ec: ToolRun[] = [];
  const vouch: ToolRun[] = [];
  const loads: number[] = [];
  for (let rep = 0; rep < setup.reps; rep++) {
    const order = (rep + offset) % 2 === 0 ? ['ec', 'vouch'] : ['vouch', 'ec'];
    for (const tool of order) {
      loads.push(loadavg()[0]!);
      if (tool === 'ec') ec.push(await runEc(setup, `${n}-${rep}`));
      else vouch.push(await runVouch(setup, `${n}-${rep}`, policy));
      const last = tool === 'ec' ? ec[ec.length - 1]! : vouch[vouch.length - 1]!;
      process.stderr.write(`bench ec: N=${n} ${label} ${tool}: ${JSON.stringify({ ...last, report: undefined })}\n`);
    }
  }
  const readReport = async (r: ToolRun): Promise<{ components: EcVerdictComponent[] }> =>
    JSON.parse(await readFile(r.report, 'utf8')) as { components: EcVerdictComponent[] };
  const verdicts = compareVerdicts((await readReport(ec[ec.length - 1]!)).components, (await readReport(vouch[vouch.length - 1]!)).components);
  const m = (runs: ToolRun[], k: keyof Omit<ToolRun, 'report'>): number => median(runs.map((r) => r[k]));
  const fmtTmp = (runs: ToolRun[]): string => `${m(runs, 'tmpFiles')} (${(m(runs, 'tmpBytes') / 2 ** 20).toFixed(1)} MiB)`;
  return {
    N: label,
    'load (1 min)': `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    'ec wall s': m(ec, 'wallS').toFixed(2),
    'vouch wall s': m(vouch, 'wallS').toFixed(2),
    'wall ratio': `${(m(ec, 'wallS') / m(vouch, 'wallS')).toFixed(1)}×`,
    'ec CPU s': m(ec, 'cpuS').toFixed(2),
    'vouch CPU s': m(vouch, 'cpuS').toFixed(2),
    'CPU ratio': `${(m(ec, 'cpuS') / m(vouch, 'cpuS')).toFixed(1)}×`,
    'ec peak RSS MiB': (m(ec, 'maxRssKiB') / 1024).toFixed(0),
    'vouch peak RSS MiB': (m(vouch, 'maxRssKiB') / 1024).toFixed(0),
    'ec requests/component': (m(ec, 'requests') / n).toFixed(1),
    'vouch requests/component': (m(vouch, 'requests') / n).toFixed(1),
    'ec files left in TMPDIR': fmtTmp(ec),
    'vouch files left in TMPDIR': fmtTmp(vouch),
    'exit codes ec/vouch': `${[...new Set(ec.map((r) => r.code))].join(',')}/${[...new Set(vouch.map((r) => r.code))].join(',')}`,
    'verdict mismatches':
      verdicts.mismatches.length === 0
        ? `0 of ${verdicts.compared}`
        : `${verdicts.mismatches.length} of ${verdicts.compared}: ${verdicts.mismatches.slice(0, 3).join('; ')}`,
  };
}

/** The rows at one N: the paired runs, and at N = 10 a pre-compiled bundle's too (built once, not timed). */
export async function ecRowsAt(n: number, setup: EcSetup, policies: string, offset: number): Promise<EcRow[]> {
  const rows = [await ecComparison(n, String(n), setup, setup.policy, offset)];
  if (n === 10) {
    const bundle = join(setup.dir, 'policy-bundle.tar.gz');
    await buildBundle(setup.node, setup.vouch, policies, bundle);
    rows.push(await ecComparison(n, '10, vouch pre-compiled bundle', setup, JSON.stringify({ sources: [{ name: 'release', policy: [bundle] }] }), 1));
  }
  process.stderr.write(`bench ec: ${JSON.stringify(rows)}\n`);
  return rows;
}

/** `vouch policy build` once (not timed): the bundle the pre-compiled row evaluates. */
async function buildBundle(node: string, vouch: string, policies: string, out: string): Promise<void> {
  await run(node, [vouch, 'policy', 'build', '--policy', policies, '--output', out]);
}

export const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'vouch-bench-ec-'));

const EC_BEGIN = '<!-- bench: ec side-by-side -->';
const EC_END = '<!-- /bench: ec side-by-side -->';

/** Replaces the ec section of the doc (between its markers), or appends it. */
export function withEcSection(doc: string, section: string): string {
  return withBlock(doc, `${EC_BEGIN}\n${section}${EC_END}\n`);
}

/**
 * The ec section's text around its table. `images` says where the images came from: signed per
 * image by the real cosign (scripts/bench.ts), or bench-scale's prepared ones (scripts/bench-scale.ts).
 */
export function ecSection(rows: EcRow[], how: { command: string; images: string }): string {
  return `## Side by side with ec (cold, compile included)

Measured by \`${how.command}\` (scripts/bench-ec.ts) on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, the real ec
v0.9.115 built from conforma/cli source (see "Building ec" below). ${how.images} The same snapshot, registry (behind the
counting proxy), key and policy (examples/policies) for both; \`--workers 8 --strict=false --ignore-rekor
--timeout 60m\` for both. Both cold: ec with an empty \`HOME\`, vouch with an empty cache, so its \`opa build\`
compile is in every figure. Runs are paired and alternated (ec first, then vouch first), ${process.env.BENCH_EC_REPS ?? 2} pairs per N;
the figures are medians. Wall, CPU (user + system) and peak RSS are of the whole process tree (getrusage
of the children), the same way for both. TMPDIR is a fresh directory per run; "files left" is what
remained in it after the run. The load column is the 1-minute load average at the start of each run:
other work shared the 2 cores, so compare within a row rather than across rows. Verdicts: per
component, success and the sorted violation and warning codes of ec's report against vouch's.

${markdownTable(rows)}

`;
}

/** Rewrites the ec section of the doc at `doc` (called after each N: a run that is stopped still leaves the sizes it finished). */
export async function writeEcSection(doc: string, rows: EcRow[], how: { command: string; images: string }): Promise<void> {
  await writeFile(doc, withEcSection(await readFile(doc, 'utf8').catch(() => '# Benchmarks\n'), ecSection(rows, how)));
}
