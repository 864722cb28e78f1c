// `vouch policy build`: compiles one policy source (a source URL or a policy with one source) into a
// pre-compiled bundle.
import { resolvePolicy } from './resolve-config.ts';
import { InputError } from '../errors.ts';
import { writeBundle } from './bundle.ts';
import { loadDataTree } from './data.ts';
import { compilePolicy } from './opa/compile.ts';
import { ruleInfosFromModules } from './rules/annotations.ts';
import { fetchSource } from './sources/fetch.ts';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface BuildOptions {
  baseDir: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  opaPath?: string;
}

async function rego(dir: string): Promise<{ path: string; text: string }[]> {
  if ((await stat(dir)).isFile()) return dir.endsWith('.rego') ? [{ path: dir, text: await readFile(dir, 'utf8') }] : [];
  const out: { path: string; text: string }[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true, recursive: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isFile() && e.name.endsWith('.rego') && !e.name.endsWith('_test.rego')) {
      const p = join(e.parentPath, e.name);
      out.push({ path: p, text: await readFile(p, 'utf8') });
    }
  }
  return out;
}

export async function buildPolicyBundle(policyOrSource: string, out: string, opts: BuildOptions): Promise<void> {
  let policyUrls: string[];
  let dataUrls: string[] = [];
  const looksLikeConfig = /\.(json|ya?ml)$/i.test(policyOrSource) || policyOrSource.trim().startsWith('{') || policyOrSource.includes('\n');
  if (looksLikeConfig) {
    const { spec } = await resolvePolicy(policyOrSource, opts);
    const sources = spec.sources ?? [];
    if (sources.length !== 1) {
      throw new InputError(
        'POLICY_BUILD_SOURCES',
        `vouch policy build compiles one source; ${policyOrSource} has ${sources.length}: pass that source's URL instead`,
        { value: sources.length },
      );
    }
    policyUrls = sources[0]!.policy ?? [];
    dataUrls = sources[0]!.data ?? [];
  } else {
    policyUrls = [policyOrSource];
  }
  const files = (await Promise.all(policyUrls.map(async (u) => rego((await fetchSource(u, opts)).dir)))).flat();
  const rules = ruleInfosFromModules(files);
  const compiled = await compilePolicy(files, { cacheDir: opts.cacheDir, env: opts.env, ...(opts.opaPath ? { opaPath: opts.opaPath } : {}) });
  const data = await loadDataTree(await Promise.all(dataUrls.map(async (u) => (await fetchSource(u, opts)).dir)));
  await writeBundle({ compiled, data, rules }, out);
}
