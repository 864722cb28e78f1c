// `npm run conformance -- --validate-image --policy-repo DIR --ec PATH --golden-input FILE [--sbom-input FILE…]
// [--collections @minimal,@slsa3,@redhat,*] [--keep DIR]`: the `validate image` differential. It
// starts a loopback registry, pushes two images signed and attested by the real cosign (one
// golden-container-like image with the SLSA v0.2 provenance of a policy input, one with the SBOM
// attestations of other policy inputs), runs the real ec and vouch on them with the repository's
// release policy and example data under each collection, and prints per collection and component
// the codes both report, the codes that differ and the messages that differ. Exit 0 when the codes
// agree everywhere, 1 otherwise, 2 for bad arguments. Needs the tools of scripts/install-tools.sh
// and a built dist/ (npm run build); run it inside `unshare --net` to keep everything on loopback.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { attest, generateKeyPair, sign } from '../test/support/cosign.ts';
import { pushImage } from '../test/support/images.ts';
import { startRegistry } from '../test/support/registry.ts';
import { compareReports, table, type ComponentComparison } from './differential-lib.ts';

const run = promisify(execFile);

export interface DifferentialOptions {
  policyRepo: string;
  ec: string;
  goldenInput: string;
  sbomInputs: string[];
  collections: string[];
  /** Keep the work directory (reports, policy, snapshot) here. */
  keep?: string;
  vouch: string;
}

interface PolicyInputFile {
  image?: { config?: { Labels?: Record<string, string> } };
  attestations?: { statement?: { predicateType?: string; predicate?: unknown } }[];
}

/** cosign's `--type` for a statement's predicate type. */
function cosignType(predicateType: string | undefined): string {
  switch (predicateType) {
    case 'https://slsa.dev/provenance/v0.2':
      return 'slsaprovenance02';
    case 'https://slsa.dev/provenance/v1':
      return 'slsaprovenance1';
    case 'https://cyclonedx.org/bom':
      return 'cyclonedx';
    case 'https://spdx.dev/Document':
      return 'spdxjson';
    default:
      return predicateType ?? 'custom';
  }
}

async function readInput(path: string): Promise<PolicyInputFile> {
  return JSON.parse(await readFile(path, 'utf8')) as PolicyInputFile;
}

/** Pushes, signs and attests one image with the attestations of a policy input; returns its pinned reference. */
async function imageFrom(
  work: string,
  host: string,
  name: string,
  input: PolicyInputFile[],
  key: Awaited<ReturnType<typeof generateKeyPair>>,
): Promise<string> {
  const labels = input[0]?.image?.config?.Labels;
  const image = await pushImage(`${host}/${name}:latest`, labels ? { labels } : {});
  await sign(work, image.pinned, key);
  for (const att of input.flatMap((i) => i.attestations ?? [])) {
    await attest(work, image.pinned, key, att.statement?.predicate, cosignType(att.statement?.predicateType));
  }
  return image.pinned;
}

async function report(cmd: string, args: string[], out: string, env: NodeJS.ProcessEnv): Promise<{ components?: never[] }> {
  // Both exit 1 when a policy fails; the report is what counts.
  await run(cmd, args, { env, maxBuffer: 256 * 1024 * 1024, timeout: 30 * 60 * 1000 }).catch((err: { stderr?: string }) => {
    if (!existsSync(out)) throw new Error(`${cmd} ${args.join(' ')} wrote no report: ${err.stderr?.trim().slice(-2000) ?? ''}`);
  });
  return JSON.parse(await readFile(out, 'utf8')) as { components?: never[] };
}

export async function runDifferential(opts: DifferentialOptions): Promise<{ collection: string; comparison: ComponentComparison }[]> {
  const work = opts.keep ? resolve(opts.keep) : await mkdtemp(join(tmpdir(), 'vouch-differential-'));
  await mkdir(work, { recursive: true });
  const registry = await startRegistry();
  try {
    // The policy as ec users give it: the release policy and its library, the example data.
    const repo = join(work, 'policy-repo');
    for (const p of ['policy/lib', 'policy/release', 'example/data']) await cp(join(opts.policyRepo, p), join(repo, p), { recursive: true });
    const key = await generateKeyPair(work, 'differential');
    const golden = await imageFrom(work, registry.host, 'golden-container', [await readInput(opts.goldenInput)], key);
    const sbom = await imageFrom(work, registry.host, 'sbom-image', await Promise.all(opts.sbomInputs.map(readInput)), key);
    const snapshot = join(work, 'snapshot.json');
    await writeFile(
      snapshot,
      JSON.stringify({
        components: [
          { name: 'golden', containerImage: golden },
          { name: 'sbom', containerImage: sbom },
        ],
      }),
    );
    const rows: { collection: string; comparison: ComponentComparison }[] = [];
    for (const collection of opts.collections) {
      const slug = collection.replace(/[^\w]+/g, '_') || 'all';
      const policy = join(work, `policy-${slug}.json`);
      await writeFile(
        policy,
        JSON.stringify({
          sources: [
            {
              name: 'release',
              policy: [join(repo, 'policy/lib'), join(repo, 'policy/release')],
              data: [join(repo, 'example/data')],
              config: { include: [collection] },
            },
          ],
        }),
      );
      const common = [
        'validate',
        'image',
        '--images',
        snapshot,
        '--policy',
        policy,
        '--public-key',
        key.pub,
        '--ignore-rekor',
        '--show-successes',
        '--timeout',
        '30m',
      ];
      const home = join(work, `home-${slug}`);
      await mkdir(home, { recursive: true });
      const env = { ...process.env, HOME: home };
      const ecOut = join(work, `ec-${slug}.json`);
      const vouchOut = join(work, `vouch-${slug}.json`);
      const t0 = Date.now();
      const outputs = (who: string): string[] => [
        '--output',
        `text=${join(work, `${who}-${slug}.txt`)}`,
        '--output',
        `policy-input=${join(work, `${who}-${slug}-input.json`)}`,
      ];
      const ec = await report(opts.ec, [...common, '--output', `json=${ecOut}`, ...outputs('ec')], ecOut, env);
      const t1 = Date.now();
      const vouch = await report(
        process.execPath,
        [opts.vouch, ...common, '--output', `json=${vouchOut}`, ...outputs('vouch'), '--cache-dir', join(work, 'vouch-cache')],
        vouchOut,
        env,
      );
      const t2 = Date.now();
      const same = async (name: string): Promise<boolean> =>
        (await readFile(join(work, `ec-${slug}${name}`), 'utf8')) === (await readFile(join(work, `vouch-${slug}${name}`), 'utf8'));
      const inputs = async (who: string): Promise<unknown[]> =>
        (await readFile(join(work, `${who}-${slug}-input.json`), 'utf8'))
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as unknown);
      const inputsEqual = isDeepStrictEqual(await inputs('ec'), await inputs('vouch'));
      process.stderr.write(
        `${collection}: ec ${((t1 - t0) / 1000).toFixed(1)} s, vouch ${((t2 - t1) / 1000).toFixed(1)} s; JSON components ${isDeepStrictEqual(ec.components, vouch.components) ? 'equal' : 'differ'}, text ${(await same('.txt')) ? 'identical' : 'differs'}, policy input ${inputsEqual ? 'equal' : 'differs'}\n`,
      );
      for (const comparison of compareReports(ec, vouch)) rows.push({ collection, comparison });
    }
    return rows;
  } finally {
    await registry.stop();
    if (!opts.keep) await rm(work, { recursive: true, force: true });
  }
}

/** The default SBOM inputs: a conforma/policy checkout's `acceptance/samples/*sbom*.json`. */
export async function defaultSbomInputs(policyRepo: string): Promise<string[]> {
  const dir = join(policyRepo, 'acceptance/samples');
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((f) => /sbom.*\.json$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The comparison as text: the table, then each difference. */
export function differentialReport(rows: { collection: string; comparison: ComponentComparison }[]): string {
  const details = rows.flatMap(({ collection, comparison: c }) => [
    ...c.codeDifferences.map((d) => `  ${collection} ${c.component}: ${d}`),
    ...c.messageDifferences.map((d) => `  ${collection} ${c.component}: message ${d}`),
  ]);
  return `${table(rows)}${details.length > 0 ? `\nDifferences:\n${details.join('\n')}\n` : ''}`;
}
