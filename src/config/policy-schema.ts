// The EnterpriseContractPolicy spec schema (conforma/crds 6f685d079f19
// api/v1alpha1/policy_spec.json): unknown fields are rejected and every
// error names the JSON path, so a typo in `include` can never silently pass. Pure.
import { isRecord } from '../util/json-shapes.ts';
import { closest } from '../util/suggest.ts';

type Shape =
  | { type: 'string'; pattern?: RegExp; minLength?: number }
  | { type: 'string[]'; minLength?: number }
  | { type: 'object'; fields: Record<string, Shape> }
  | { type: 'array'; items: Shape }
  | { type: 'any-object' }
  | { type: 'date-time' };

const DIGEST = /^sha256:[a-fA-F0-9]{64}$/;
/** Enough to fix a policy; a hostile one cannot make the error list itself the problem. */
const MAX_ERRORS = 50;
const MAX_PATTERN_INPUT = 4096;
const MAX_SUGGESTED_KEY = 64;
const IMAGE_URL = /^[a-z0-9][a-z0-9.-]*[a-z0-9](?:\/[a-z0-9][a-z0-9-]*[a-z0-9]){2,}$/;

const criterion: Shape = {
  type: 'object',
  fields: {
    value: { type: 'string' },
    effectiveOn: { type: 'date-time' },
    effectiveUntil: { type: 'date-time' },
    imageRef: { type: 'string', pattern: DIGEST },
    imageDigest: { type: 'string', pattern: DIGEST },
    imageUrl: { type: 'string', pattern: IMAGE_URL },
    componentNames: { type: 'string[]', minLength: 1 },
    reference: { type: 'string' },
  },
};

const includeExclude: Shape = { type: 'object', fields: { include: { type: 'string[]' }, exclude: { type: 'string[]' } } };

const POLICY_SPEC_SHAPE: Shape = {
  type: 'object',
  fields: {
    name: { type: 'string' },
    description: { type: 'string' },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        fields: {
          name: { type: 'string' },
          policy: { type: 'string[]' },
          data: { type: 'string[]' },
          ruleData: { type: 'any-object' },
          config: includeExclude,
          volatileConfig: { type: 'object', fields: { include: { type: 'array', items: criterion }, exclude: { type: 'array', items: criterion } } },
        },
      },
    },
    configuration: { type: 'object', fields: { include: { type: 'string[]' }, exclude: { type: 'string[]' }, collections: { type: 'string[]' } } },
    rekorUrl: { type: 'string' },
    publicKey: { type: 'string' },
    identity: {
      type: 'object',
      fields: { subject: { type: 'string' }, subjectRegExp: { type: 'string' }, issuer: { type: 'string' }, issuerRegExp: { type: 'string' } },
    },
  },
};

function check(shape: Shape, value: unknown, path: string, errors: string[]): void {
  if (errors.length > MAX_ERRORS) return;
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: must be a string`);
      else if (shape.pattern && value.length > MAX_PATTERN_INPUT) errors.push(`${path}: longer than ${MAX_PATTERN_INPUT} characters`);
      else if (shape.pattern && !shape.pattern.test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${shape.pattern.source}`);
      return;
    case 'date-time':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) errors.push(`${path}: must be an RFC3339 date-time such as 2026-01-31T00:00:00Z`);
      return;
    case 'string[]':
      if (!Array.isArray(value)) errors.push(`${path}: must be a list of strings`);
      else
        value.forEach((v, i) => {
          if (errors.length > MAX_ERRORS) return;
          if (typeof v !== 'string') errors.push(`${path}[${i}]: must be a string`);
          else if (shape.minLength && v.length < shape.minLength) errors.push(`${path}[${i}]: must not be empty`);
        });
      return;
    case 'array':
      if (!Array.isArray(value)) errors.push(`${path}: must be a list`);
      else value.forEach((v, i) => check(shape.items, v, `${path}[${i}]`, errors));
      return;
    case 'any-object':
      if (!isRecord(value)) errors.push(`${path}: must be an object`);
      return;
    case 'object': {
      if (!isRecord(value)) {
        errors.push(`${path}: must be an object`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        const field = shape.fields[k];
        if (!field) {
          const near = closest(k, Object.keys(shape.fields));
          errors.push(
            `${path}.${k.length > MAX_SUGGESTED_KEY ? `${k.slice(0, MAX_SUGGESTED_KEY)}…` : k}: unknown field${near ? `; did you mean "${near}"?` : ''} (allowed: ${Object.keys(shape.fields).join(', ')})`,
          );
        } else if (v !== null && v !== undefined) {
          check(field, v, `${path}.${k}`, errors);
        }
      }
      return;
    }
  }
}

/** Every schema error, each naming its JSON path (`spec.sources[0].config.inclde: unknown field…`). */
export function policySpecErrors(value: unknown, root = 'spec'): string[] {
  const errors: string[] = [];
  check(POLICY_SPEC_SHAPE, value, root, errors);
  if (isRecord(value) && Array.isArray(value.sources)) {
    value.sources.forEach((s, i) => {
      if (!isRecord(s) || !isRecord(s.volatileConfig)) return;
      for (const list of ['include', 'exclude'] as const) {
        const items = s.volatileConfig[list];
        if (!Array.isArray(items)) continue;
        items.forEach((c, j) => {
          if (!isRecord(c) || errors.length > MAX_ERRORS) return;
          const scoped = ['imageUrl', 'imageDigest', 'imageRef', 'componentNames'].filter((k) => c[k] !== undefined);
          if (c.value === undefined) errors.push(`${root}.sources[${i}].volatileConfig.${list}[${j}].value: required`);
          if (scoped.length > 1) errors.push(`${root}.sources[${i}].volatileConfig.${list}[${j}]: set at most one of ${scoped.join(', ')}`);
        });
      }
    });
  }
  return errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), `(more errors not shown)`] : errors;
}
