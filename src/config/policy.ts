// Policy documents: parsed within limits and validated against the EnterpriseContractPolicy schema;
// `--extra-rule-data`. Resolving `--policy` (which may download a configuration) is the policy
// layer's (policy/resolve-config.ts), handed to buildRunConfig as a PolicyResolver.
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { GO_YAML_V2_SCHEMA } from '../util/go-yaml.ts';
import { parseYamlDocument, readTextFile } from './document.ts';
import { policySpecErrors } from './policy-schema.ts';
import type { PolicySpec } from '../model/policy-spec.ts';
import type { ResolveOptions } from './types.ts';

/**
 * A policy document's text (YAML or JSON) within the document limits; errors name `origin`. Read as
 * ec reads it (sigs.k8s.io/yaml): in `ruleData: {since: 2024-01-01, strict: yes}` a string and a boolean.
 */
export const parsePolicyDocument = (text: string, origin: string): unknown =>
  parseYamlDocument(text, origin, { syntaxCode: 'POLICY_SYNTAX', schema: GO_YAML_V2_SCHEMA });

/** A full EnterpriseContractPolicy (with apiVersion) gives its spec; a bare spec is used as is. */
export function specFromDocument(doc: unknown, origin: string): PolicySpec {
  if (doc === null || doc === undefined) return {};
  let spec: unknown = doc;
  let root = 'spec';
  if (typeof doc === 'object' && !Array.isArray(doc) && 'apiVersion' in doc) {
    spec = (doc as { spec?: unknown }).spec ?? {};
  } else if (typeof doc === 'object' && !Array.isArray(doc) && 'spec' in doc) {
    spec = doc.spec;
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

/**
 * `--extra-rule-data key=value`: each value is resolved like --policy text (a JSON object kept
 * as is, a .json/.yaml/.yml file read as a string) and added as a string to every source's ruleData.
 */
export async function parseExtraRuleData(items: string[], opts: ResolveOptions): Promise<Record<string, string>> {
  const bad = items
    .map((item, i) => (item.includes('=') ? undefined : `incorrect syntax for --extra-rule-data ${i}`))
    .filter((e): e is string => e !== undefined);
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
        throw new InputError('EXTRA_RULE_DATA_FILE', `--extra-rule-data ${key}: cannot read ${path}: ${errorMessage(err)}`, { value: path, cause: err });
      }
    }
    out[key] = value;
  }
  return out;
}

/** A JSON value with every object's keys in Go's map order (sorted), as encoding/json writes a map. */
function goMapOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(goMapOrder);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, x]) => [k, goMapOrder(x)]));
}

/**
 * Adds extra rule data (as strings) to every source's ruleData, creating it where absent. ec
 * decodes the ruleData into a Go map, adds the pairs and encodes it again (cmd/validate/image.go):
 * the report shows its keys sorted.
 */
export function applyExtraRuleData(spec: PolicySpec, data: Record<string, string>): PolicySpec {
  if (Object.keys(data).length === 0 || !spec.sources) return spec;
  return { ...spec, sources: spec.sources.map((s) => ({ ...s, ruleData: goMapOrder({ ...(s.ruleData ?? {}), ...data }) as Record<string, unknown> })) };
}
