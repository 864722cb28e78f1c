// `--policy`: resolved in ec's order (ec-cli.md §2.4) and validated against the policy schema.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { checkSource, fetchSource } from '../policy/sources/fetch.ts';
import { assertBoundedDocument, parseYamlDocument, readTextFile } from './document.ts';
import { policySpecErrors } from './policy-schema.ts';
import type { PolicySpec } from './policy-spec.ts';

export interface ResolveOptions {
  baseDir: string;
  cacheDir: string;
}

const CONFIG_NAMES = ['.ec/policy.json', '.ec/policy.yaml', '.ec/policy.yml', 'policy.json', 'policy.yaml', 'policy.yml'];

const parseDocument = (text: string, origin: string): unknown => parseYamlDocument(text, origin, { syntaxCode: 'POLICY_SYNTAX' });

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

/** A full EnterpriseContractPolicy (with apiVersion) gives its spec; a bare spec is used as is. */
export function specFromDocument(doc: unknown, origin: string): PolicySpec {
  if (doc === null || doc === undefined) return {};
  let spec: unknown = doc;
  let root = 'spec';
  if (typeof doc === 'object' && !Array.isArray(doc) && 'apiVersion' in doc) {
    spec = (doc as { spec?: unknown }).spec ?? {};
  } else if (typeof doc === 'object' && !Array.isArray(doc) && 'spec' in doc) {
    spec = (doc as { spec: unknown }).spec;
  } else {
    root = 'policy';
  }
  const errors = policySpecErrors(spec, root);
  if (errors.length > 0) {
    throw new InputError('POLICY_SCHEMA', `${origin}: the policy does not match the EnterpriseContractPolicy schema:\n  ${errors.join('\n  ')}`, {
      value: origin,
    });
  }
  return spec as PolicySpec;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function resolvePolicy(value: string, opts: ResolveOptions): Promise<{ spec: PolicySpec; pinnedFrom?: string }> {
  const v = value.trim();
  if (v === '') return { spec: {} };
  if (v.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(v);
    } catch (err) {
      throw new InputError('POLICY_SYNTAX', `--policy: inline JSON does not parse: ${errorMessage(err)}`, { value: '--policy' });
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
        const spec = specFromDocument(parseDocument(await readTextFile(path, origin), origin), origin);
        return { spec: await checkSources(spec, origin, opts, true), pinnedFrom: fetched.pinned };
      }
    }
    throw new InputError('POLICY_CONFIG_NOT_FOUND', `no suitable config file found at ${fetched.pinned}: add .ec/policy.yaml or policy.yaml`, { value: v });
  }
  if (/\.(json|ya?ml)$/i.test(v) && (await isFile(local))) {
    const text = await readTextFile(local);
    if (text.trim() === '') throw new InputError('POLICY_EMPTY', `file ${local} is empty`, { value: local });
    return { spec: await checkSources(specFromDocument(parseDocument(text, local), local), local, opts, false) };
  }
  if (!v.includes(':')) {
    throw new InputError(
      'POLICY_CLUSTER_REFERENCE',
      `--policy ${JSON.stringify(v)}: no such file, and Kubernetes EnterpriseContractPolicy references are not supported; pass a policy file, a git/https URL, or inline YAML/JSON`,
      { value: v },
    );
  }
  return { spec: await checkSources(specFromDocument(parseDocument(v, '--policy'), '--policy'), '--policy', opts, false) };
}

/**
 * `--extra-rule-data key=value`: each value is resolved like --policy text (a JSON object kept
 * as is, a .json/.yaml/.yml file read as a string) and added as a string to every source's ruleData.
 */
export async function parseExtraRuleData(items: string[], opts: ResolveOptions): Promise<Record<string, string>> {
  const bad = items.map((item, i) => (item.includes('=') ? undefined : `incorrect syntax for --extra-rule-data ${i}`)).filter((e): e is string => e !== undefined);
  if (bad.length > 0) throw new InputError('EXTRA_RULE_DATA_SYNTAX', `${bad.join('\n')}: use key=value`, { value: items });
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    let value = raw;
    if (!raw.startsWith('{') && /\.(json|ya?ml)$/i.test(raw)) {
      const path = resolve(opts.baseDir, raw);
      try {
        value = await readTextFile(path, `--extra-rule-data ${key}`);
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError('EXTRA_RULE_DATA_FILE', `--extra-rule-data ${key}: cannot read ${path}: ${errorMessage(err)}`, { value: path });
      }
    }
    out[key] = value;
  }
  return out;
}

/** Adds extra rule data (as strings) to every source's ruleData, creating it where absent. */
export function applyExtraRuleData(spec: PolicySpec, data: Record<string, string>): PolicySpec {
  if (Object.keys(data).length === 0 || !spec.sources) return spec;
  return { ...spec, sources: spec.sources.map((s) => ({ ...s, ruleData: { ...(s.ruleData ?? {}), ...data } })) };
}
