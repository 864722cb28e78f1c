// `npm run conformance -- --policy-repo DIR [--ec PATH] [--paths a,b,…] [--data PATH] [--run REGEX]`:
// runs a policy repository's unit tests through `vouch policy test` and, with --ec, through
// `ec opa test`, and prints the tests that pass in one and not in the other. Without --paths, a
// conforma/policy checkout is tested as its own CI tests it (example/data/rule_data.yml policy/lib
// policy/release); another repository's `policy/` directory, or the whole checkout. Exit 0 when the
// two agree (or, without --ec, when every test passes), 1 otherwise, 2 for bad arguments.
// With --validate-image it runs `validate image` on real images through both instead
// (scripts/differential.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseFlags, type FlagTable } from '../src/config/flags.ts';
import { defaultCacheDir } from '../src/config/run-options.ts';
import { errorMessage } from '../src/errors.ts';
import { runPolicyTests } from '../src/policy/test/run.ts';
import { defaultPaths, differences, parseOpaJson, report, type NamedOutcome } from './conformance-lib.ts';
import { defaultSbomInputs, differentialReport, runDifferential } from './differential.ts';

const run = promisify(execFile);

const FLAGS = {
  'policy-repo': { kind: 'string', help: 'The policy repository checkout' },
  ec: { kind: 'string', help: 'An ec binary to compare with (runs `ec opa test`)' },
  paths: { kind: 'slice', help: 'Paths inside the repository to test (default: its layout)' },
  data: { kind: 'slice', help: 'Data for vouch only, as `vouch policy test --data`' },
  run: { kind: 'string', help: 'Only tests whose data.<package>.<name> matches' },
  opa: { kind: 'string', help: 'The opa vouch compiles with' },
  'cache-dir': { kind: 'string', help: 'vouch cache directory' },
  'validate-image': { kind: 'bool', help: 'Compare `validate image` on real images instead of the unit tests (needs --ec)' },
  'golden-input': { kind: 'string', help: 'A policy input whose SLSA provenance attests the golden-container-like image' },
  'sbom-input': { kind: 'slice', help: 'Policy inputs whose SBOM attestations attest the second image (default: acceptance/samples/*sbom*.json)' },
  collections: { kind: 'slice', help: 'Includes to compare under (default @minimal,@slsa3,@redhat,*)' },
  keep: { kind: 'string', help: 'Keep the differential work directory (reports, policies) here' },
} as const satisfies FlagTable;

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

async function vouchOutcomes(repo: string, paths: string[], flags: Flags): Promise<NamedOutcome[]> {
  const results = await runPolicyTests({
    paths,
    dataPaths: flags.data,
    run: flags.run,
    cwd: repo,
    cacheDir: flags['cache-dir'] || defaultCacheDir(process.env),
    env: process.env,
    parallel: Math.min(4, availableParallelism()),
    ...(flags.opa ? { opaPath: flags.opa } : {}),
  });
  return results.flatMap((r): NamedOutcome[] => {
    const name = `${r.test.package}.${r.test.name}`;
    const where = `${r.test.file}:${r.test.row}`;
    if (r.subResults && r.subResults.length > 0)
      return r.subResults.map((s) => ({ name: `${name}[${s.path.join('.')}]`, outcome: s.pass ? 'PASS' : 'FAIL', where }));
    return [{ name, outcome: r.outcome, where, ...(r.error !== undefined ? { detail: r.error } : {}) }];
  });
}

/** `ec opa test --format json`, offline in a throwaway HOME (ec reads its config and caches there). */
async function ecOutcomes(ec: string, repo: string, paths: string[], runPattern: string): Promise<NamedOutcome[]> {
  const home = await mkdtemp(join(tmpdir(), 'vouch-conformance-'));
  try {
    const args = ['opa', 'test', '--format', 'json', ...(runPattern ? ['--run', runPattern] : []), ...paths];
    const out = await run(ec, args, { cwd: repo, env: { ...process.env, HOME: home }, maxBuffer: 1024 * 1024 * 1024 }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        // A failing test makes ec exit 1 with the report on stdout; no report means ec itself failed.
        if (err.stdout?.trim().startsWith('[')) return { stdout: err.stdout };
        throw new Error(`${ec} ${args.join(' ')} failed: ${err.stderr?.trim() || errorMessage(err)}`);
      },
    );
    return parseOpaJson(out.stdout);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function validateImage(root: string, flags: Flags): Promise<number> {
  if (!flags.ec || !flags['golden-input']) {
    process.stderr.write(
      'usage: npm run conformance -- --validate-image --policy-repo DIR --ec PATH --golden-input FILE [--sbom-input FILE] [--collections a,b] [--keep DIR]\n',
    );
    return 2;
  }
  const rows = await runDifferential({
    policyRepo: root,
    ec: resolve(flags.ec),
    goldenInput: resolve(flags['golden-input']),
    sbomInputs: flags['sbom-input'].length > 0 ? flags['sbom-input'].map((f) => resolve(f)) : await defaultSbomInputs(root),
    collections: flags.collections.length > 0 ? flags.collections : ['@minimal', '@slsa3', '@redhat', '*'],
    vouch: resolve(import.meta.dirname, '../dist/index.js'),
    ...(flags.keep ? { keep: flags.keep } : {}),
  });
  process.stdout.write(differentialReport(rows));
  return rows.every((r) => r.comparison.codeDifferences.length === 0) ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv, FLAGS).values;
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    return 2;
  }
  const repo = flags['policy-repo'];
  if (!repo || !existsSync(repo)) {
    process.stderr.write('usage: npm run conformance -- --policy-repo DIR [--ec PATH] [--paths a,b] [--data PATH] [--run REGEX]\n');
    return 2;
  }
  const root = resolve(repo);
  if (flags['validate-image']) return validateImage(root, flags);
  const paths = flags.paths.length > 0 ? flags.paths : defaultPaths((p) => existsSync(join(root, p)));
  process.stderr.write(`testing ${paths.join(' ')} in ${root}\n`);
  const { ec } = flags;
  // One after the other: each keeps every core busy.
  const vouch = await vouchOutcomes(root, paths, flags);
  const reference = ec ? await ecOutcomes(resolve(ec), root, paths, flags.run) : undefined;
  process.stdout.write(report(vouch, reference));
  if (reference) return differences(vouch, reference).length === 0 ? 0 : 1;
  return vouch.every((r) => r.outcome === 'PASS') ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`conformance: ${errorMessage(err)}\n`);
  return 2;
});
