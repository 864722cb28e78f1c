// Standard Rego builtins the wasm target leaves to the host, wired to Go-exact implementations
// (src/policy/builtins/*, each citing the OPA/Go source it follows). As in OPA's non-strict mode, a
// builtin that cannot answer is undefined, never an exception (a throw would abort the whole
// entrypoint). Results go back to the module as exact JSON text (see encodeExactJson), so integers
// above 2^53, nanosecond times above all, keep every digit.
import { jsonPatch } from '../builtins/json-patch.ts';
import { jsonSchemaBuiltins } from '../builtins/json-schema.ts';
import { purlBuiltins } from '../builtins/purl.ts';
import { semverBuiltins } from '../builtins/semver.ts';
import { stringsBuiltins } from '../builtins/strings.ts';
import { nowNs, timeBuiltins } from '../builtins/time.ts';
import { encodeExactJson } from '../builtins/value.ts';
import { parseCertificates } from '../builtins/x509.ts';
import { goSprintf } from './sprintf.ts';

export type Builtin = (...args: unknown[]) => unknown;

/**
 * The SDK hands an ArrayBuffer result to the module as raw JSON (opa-wasm 1.10.0 `_loadJSON`):
 * our own encoding, exact for bigints, and a non-JSON result (NaN, a function) becomes undefined.
 */
function toModule(value: unknown): ArrayBuffer | undefined {
  if (value === undefined) return undefined;
  const bytes = new TextEncoder().encode(encodeExactJson(value));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function safe(fn: Builtin): Builtin {
  return (...args) => {
    try {
      return toModule(fn(...args));
    } catch {
      return undefined;
    }
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';

/** RE2 prefix flags `(?i)` → JS flags; `(?P<name>` → `(?<name>`. */
function goRegExp(pattern: string, global = false): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = global ? 'gu' : 'u';
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m) {
    source = source.slice(m[0].length);
    flags += m[1];
  }
  return new RegExp(source, flags);
}

/** The host builtins, for one evaluation clock (`time.now_ns` is constant within a run, as in OPA). */
export function hostBuiltins(now: Date): Record<string, Builtin> {
  const table: Record<string, Builtin> = {
    sprintf: (format, args) => (isStr(format) && Array.isArray(args) ? goSprintf(format, args) : undefined),
    'time.now_ns': () => nowNs(now),
    'time.parse_rfc3339_ns': timeBuiltins.parseRfc3339Ns,
    'time.parse_ns': timeBuiltins.parseNs,
    'time.format': timeBuiltins.format,
    'time.date': timeBuiltins.date,
    'time.clock': timeBuiltins.clock,
    'time.weekday': timeBuiltins.weekday,
    'time.add_date': timeBuiltins.addDate,
    'time.diff': timeBuiltins.diff,
    'object.keys': (o) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : undefined),
    'strings.any_prefix_match': stringsBuiltins.anyPrefixMatch,
    'strings.any_suffix_match': stringsBuiltins.anySuffixMatch,
    'regex.replace': (s, pattern, value) =>
      isStr(s) && isStr(pattern) && isStr(value) ? s.replace(goRegExp(pattern, true), value.replace(/\$\{?(\d+)\}?/g, '$$$1')) : undefined,
    'regex.find_n': (pattern, value, n) => {
      if (!isStr(pattern) || !isStr(value) || !isNum(n)) return undefined;
      const all = [...value.matchAll(goRegExp(pattern, true))].map((m) => m[0]);
      return n < 0 ? all : all.slice(0, n);
    },
    'semver.is_valid': semverBuiltins.isValid,
    'semver.compare': semverBuiltins.compare,
    'json.patch': jsonPatch,
    'crypto.x509.parse_certificates': parseCertificates,
    ...jsonSchemaBuiltins,
    ...purlBuiltins,
    trace: () => true,
    'internal.print': () => true,
  };
  return Object.fromEntries(Object.entries(table).map(([k, f]) => [k, safe(f)]));
}
