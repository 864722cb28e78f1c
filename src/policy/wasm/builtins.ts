// Standard Rego builtins the wasm target leaves to the host, wired to Go-exact implementations
// (src/policy/builtins/*, each citing the OPA/Go source it follows). As in OPA's non-strict mode, a
// builtin that cannot answer is undefined, never an exception (a throw would abort the whole
// entrypoint). Results go back to the module as exact JSON text (see encodeExactJson), so integers
// above 2^53, nanosecond times above all, keep every digit. The one exception to "never throw" is a
// regular expression vouch cannot run with Go's results: answering anything (even undefined) could
// turn into a pass, so evaluation stops.
import { jsonPatch } from '../builtins/json-patch.ts';
import { jsonSchemaBuiltins } from '../builtins/json-schema.ts';
import { purlBuiltins } from '../builtins/purl.ts';
import { semverBuiltins } from '../builtins/semver.ts';
import { stringsBuiltins } from '../builtins/strings.ts';
import { nowNs, timeBuiltins } from '../builtins/time.ts';
import { encodeExactJson } from '../builtins/value.ts';
import { parseCertificates } from '../builtins/x509.ts';
import { Re2UnsupportedError, compileRe2 } from '../../util/re2.ts';
import { goSprintf } from './sprintf.ts';
import { utf8Encoder } from './wasm-memory.ts';

export type Builtin = (...args: unknown[]) => unknown;

/**
 * The SDK hands an ArrayBuffer result to the module as raw JSON (opa-wasm 1.10.0 `_loadJSON`):
 * our own encoding, exact for bigints, and a non-JSON result (NaN, a function) becomes undefined.
 */
function toModule(value: unknown): ArrayBuffer | undefined {
  if (value === undefined) return undefined;
  const bytes = utf8Encoder.encode(encodeExactJson(value));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function safe(fn: Builtin): Builtin {
  return (...args) => {
    try {
      return toModule(fn(...args));
    } catch (err) {
      if (err instanceof Re2UnsupportedError) throw err;
      return undefined;
    }
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';

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
    // Go's regexp (RE2) semantics, in linear time: patterns come from policy data.
    'regex.replace': (s, pattern, value) => (isStr(s) && isStr(pattern) && isStr(value) ? compileRe2(pattern).replaceAll(s, value) : undefined),
    'regex.find_n': (pattern, value, n) => {
      if (!isStr(pattern) || !isStr(value) || !Number.isInteger(n)) return undefined;
      const subject = value.toWellFormed();
      return compileRe2(pattern)
        .findAll(subject, n as number)
        .map((m) => subject.slice(m.start, m.end));
    },
    'regex.split': (pattern, value) => (isStr(pattern) && isStr(value) ? compileRe2(pattern).split(value, -1) : undefined),
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
