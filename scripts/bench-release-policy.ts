// `BENCH_ONLY=release-policy npm run bench -- --policy-repo DIR --input FILE [--input FILE…] [--runs N]`
// (or `node scripts/bench-release-policy.ts …`): CPU per evaluation of Conforma's release policy
// (issue 12: ≤ 50 ms per component after the compile). The policy is a conforma/policy checkout
// (`policy/lib` + `policy/release`, data `example/data`), compiled once by the real opa; each input is
// a policy input as `ec validate image --output policy-input` writes it. One instance, as an
// evaluation worker holds it: the snapshot shared once, then `--runs` evaluations of the input, timed
// by process.cpuUsage (user + system). ec's registry and Sigstore builtins are answered offline
// (undefined, as ec answers a failure). Prints, per input, the first evaluation's CPU, the mean of
// the timed ones, and a digest of the outcomes: a change that keeps every verdict and message keeps
// the digest. Run it under `node --cpu-prof` for a profile (wasm functions show by name).
import { NO_SIGNER } from '../test/support/sigstore-opts.ts';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFlags, type FlagTable } from '../src/config/flags.ts';
import { defaultCacheDir } from '../src/config/run-options.ts';
import { configData, loadDataTree } from '../src/policy/data.ts';
import { compilePolicy, type RegoFile } from '../src/policy/opa/compile.ts';
import { instantiatePolicy, policyProgram, SHARED_INPUT_KEY } from '../src/policy/wasm/evaluate.ts';
import type { RawRuleOutcome } from '../src/policy/types.ts';

const FLAGS = {
  'policy-repo': { kind: 'string', help: 'A conforma/policy checkout (policy/lib, policy/release, example/data)' },
  input: { kind: 'slice', help: 'Policy input documents (ec --output policy-input)' },
  runs: { kind: 'string', help: 'Timed evaluations per input', default: '30' },
  'effective-time': { kind: 'string', help: 'The policy clock (time.now_ns and config.policy.when_ns)', default: '2026-12-01T00:00:00Z' },
} as const satisfies FlagTable;

async function regoFiles(dir: string): Promise<RegoFile[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.rego') && !n.endsWith('_test.rego')).sort();
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), text: await readFile(join(dir, n), 'utf8') })));
}

/** The outcomes' verdicts and messages, digested: the same digest means the same report. */
export function outcomesDigest(outcomes: RawRuleOutcome[]): string {
  return createHash('sha256').update(JSON.stringify(outcomes)).digest('hex').slice(0, 16);
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

export async function releasePolicyBench(argv: string[]): Promise<number> {
  const { values: flags } = parseFlags(argv, FLAGS);
  if (!flags['policy-repo'] || flags.input.length === 0) {
    process.stderr.write('usage: node scripts/bench-release-policy.ts --policy-repo DIR --input FILE [--input FILE…] [--runs N] [--effective-time RFC3339]\n');
    return 2;
  }
  const repo = resolve(flags['policy-repo']);
  const runs = Number(flags.runs);
  const now = new Date(flags['effective-time']);
  const files = [...(await regoFiles(join(repo, 'policy/lib'))), ...(await regoFiles(join(repo, 'policy/release')))];
  const compiled = await compilePolicy(files, { cacheDir: defaultCacheDir(process.env), env: process.env });
  const sigstore = NO_SIGNER;
  const data = { ...(await loadDataTree([join(repo, 'example/data')])), ...configData(now.getTime() * 1e6, sigstore) };
  const program = await policyProgram(compiled);
  for (const file of flags.input) {
    const input = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const policy = await instantiatePolicy(program, data, { now, hostCall: () => undefined });
    policy.shareSnapshot(JSON.stringify(input[SHARED_INPUT_KEY] ?? null));
    const own = JSON.stringify({ ...input, [SHARED_INPUT_KEY]: null });
    let start = process.cpuUsage();
    const first = policy.evaluateWithSnapshot(own);
    const firstMs = cpuMs(process.cpuUsage(start));
    const digest = outcomesDigest(first);
    start = process.cpuUsage();
    const later: RawRuleOutcome[][] = [];
    for (let i = 0; i < runs; i++) later.push(policy.evaluateWithSnapshot(own));
    const perMs = cpuMs(process.cpuUsage(start)) / runs;
    const differing = later.findIndex((o) => outcomesDigest(o) !== digest);
    if (differing >= 0) throw new Error(`${file}: evaluation ${differing + 2} differs from the first`);
    const failed = first.filter((o) => !o.excepted && o.results.length > 0);
    process.stdout.write(
      `${file}: first ${firstMs.toFixed(1)} ms CPU, then ${perMs.toFixed(1)} ms CPU per evaluation (${runs} runs); ` +
        `${failed.filter((o) => o.kind === 'deny').length} deny and ${failed.filter((o) => o.kind === 'warn').length} warn rules with results; outcomes ${digest}; load ${loadavg()[0]!.toFixed(1)}\n`,
    );
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await releasePolicyBench(process.argv.slice(2));
