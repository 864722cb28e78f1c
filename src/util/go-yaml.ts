// YAML read as ec reads it: ec (the policy configuration) and OPA's loader (data files) convert
// YAML with sigs.k8s.io/yaml v1.6.0, which decodes with go.yaml.in/yaml/v2 (YAML 1.1 plain scalars:
// `yes`, `on`, `n` are booleans, `0777` is octal, `1_000` an integer; timestamps stay strings) and
// then marshals JSON (NaN and infinities are errors there). This is go.yaml.in/yaml/v2 v2.4.4
// resolve.go `resolve`, for the implicit types, as a js-yaml schema. Pure.
import yaml from 'js-yaml';

const BOOLS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s): [string, boolean] => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s): [string, boolean] => [s, false]),
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const NOT_FINITE = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** A value JSON cannot hold (ec: `json: unsupported value`): the caller refuses the file. */
class NotJsonValueError extends Error {
  readonly code = 'DATA_NOT_JSON';
}

/** Go's strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64): the integer, or undefined. */
function goInteger(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2]!;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits.replace(/^0[oO]/, '0o'));
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value < -INT64_MIN) return value;
  // ParseUint takes no sign at all.
  return m[1] === '' && value <= UINT64_MAX ? value : undefined;
}

/** Go's strconv.ParseFloat(s, 64) of a YAML-style float; undefined when out of range (Go's ErrRange). */
function goFloat(s: string): number | undefined {
  const f = Number(s);
  return Number.isFinite(f) ? f : undefined;
}

/** The number a plain scalar resolves to, or undefined when it stays a string. */
function resolveNumber(s: string): number | undefined {
  const hint = s[0];
  if (hint === '.') return goFloat(s);
  if (hint === undefined || !/[-+0-9]/.test(hint)) return undefined;
  // A timestamp (YYYY-…) stays a string; it never reads as a number below either.
  const plain = s.replace(/_/g, '');
  const int = goInteger(plain);
  if (int !== undefined) return Number(int);
  if (YAML_STYLE_FLOAT.test(plain)) return goFloat(plain);
  return undefined;
}

const nullType = new yaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULLS.has(data),
  construct: () => null,
});

const boolType = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && BOOLS.has(data),
  construct: (data: string) => BOOLS.get(data),
});

const numberType = (tag: string): yaml.Type =>
  new yaml.Type(tag, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && (NOT_FINITE.has(data) || resolveNumber(data) !== undefined),
    construct: (data: string) => {
      if (NOT_FINITE.has(data)) throw new NotJsonValueError(`${data} is not a JSON number`);
      return resolveNumber(data);
    },
  });

/** js-yaml's `<<` merge key type (exported at run time, not in its type declarations). */
const mergeType = (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;

/** go-yaml v2's implicit resolution over js-yaml's failsafe schema (strings, sequences, mappings), with `<<` merges. */
export const GO_YAML_V2_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, numberType('tag:yaml.org,2002:int'), numberType('tag:yaml.org,2002:float'), mergeType],
});
