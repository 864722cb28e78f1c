// `--policy`, resolved in ec's order (conforma/cli internal/policy/policy.go NewPolicy: inline JSON,
// a git/https configuration URL, a file, inline YAML) and validated against the policy schema; every
// source URL is checked before anything is fetched.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertBoundedDocument, readTextFile } from '../config/document.ts';
import { parsePolicyDocument, specFromDocument } from '../config/policy.ts';
import type { PolicyResolver, ResolveOptions } from '../config/types.ts';
import { InputError, errorMessage } from '../errors.ts';
import type { PolicySpec } from '../model/policy-spec.ts';
import { checkSource, fetchSource } from './sources/fetch.ts';

const CONFIG_NAMES = ['.ec/policy.json', '.ec/policy.yaml', '.ec/policy.yml', 'policy.json', 'policy.yaml', 'policy.yml'];

/**
 * Checks every source URL of a policy before anything is fetched, so a hostile one is refused with
 * the policy's name whichever source comes first; `remote`: the policy itself was downloaded.
 */
async function checkSources(spec: PolicySpec, origin: string, opts: ResolveOptions, remote: boolean): Promise<PolicySpec> {
  for (const [i, source] of (spec.sources ?? []).entries()) {
    for (const list of ['policy', 'data'] as const) {
      for (const url of source[list] ?? []) {
        try {
          await checkSource(url, { baseDir: opts.baseDir, remote });
        } catch (err) {
          if (err instanceof InputError) throw new InputError(err.code, `${origin}: sources[${i}].${list}: ${err.message}`, { value: err.value, cause: err });
          throw err;
        }
      }
    }
  }
  return spec;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export const resolvePolicy: PolicyResolver = async (value: string, opts: ResolveOptions): Promise<{ spec: PolicySpec; pinnedFrom?: string }> => {
  const v = value.trim();
  if (v === '') return { spec: {} };
  if (v.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(v);
    } catch (err) {
      throw new InputError('POLICY_SYNTAX', `--policy: inline JSON does not parse: ${errorMessage(err)}`, { value: '--policy', cause: err });
    }
    assertBoundedDocument(doc, '--policy (inline JSON)');
    return { spec: await checkSources(specFromDocument(doc, '--policy (inline JSON)'), '--policy', opts, false) };
  }
  const local = resolve(opts.baseDir, v);
  // A URL is one word: inline YAML has blanks or spans lines.
  const kind = /[\s\u0000-\u001f\u007f]/.test(v) ? undefined : await checkSource(v, { baseDir: opts.baseDir });
  if (kind === 'git' || kind === 'https') {
    const fetched = await fetchSource(v, opts);
    for (const name of CONFIG_NAMES) {
      const path = join(fetched.dir, name);
      if (await isFile(path)) {
        const origin = `${fetched.pinned} ${name}`;
        const spec = specFromDocument(parsePolicyDocument(await readTextFile(path, origin), origin), origin);
        return { spec: await checkSources(spec, origin, opts, true), pinnedFrom: fetched.pinned };
      }
    }
    throw new InputError('POLICY_CONFIG_NOT_FOUND', `no suitable config file found at ${fetched.pinned}: add .ec/policy.yaml or policy.yaml`, { value: v });
  }
  if (/\.(json|ya?ml)$/i.test(v) && (await isFile(local))) {
    const text = await readTextFile(local);
    if (text.trim() === '') throw new InputError('POLICY_EMPTY', `file ${local} is empty`, { value: local });
    return { spec: await checkSources(specFromDocument(parsePolicyDocument(text, local), local), local, opts, false) };
  }
  if (!v.includes(':')) {
    throw new InputError(
      'POLICY_CLUSTER_REFERENCE',
      `--policy ${JSON.stringify(v)}: no such file, and Kubernetes EnterpriseContractPolicy references are not supported; pass a policy file, a git/https URL, or inline YAML/JSON`,
      { value: v },
    );
  }
  return { spec: await checkSources(specFromDocument(parsePolicyDocument(v, '--policy'), '--policy'), '--policy', opts, false) };
};
