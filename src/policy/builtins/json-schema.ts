// The Rego builtins json.match_schema and json.verify_schema, answering as OPA's Go topdown does
// (open-policy-agent/opa v1.22.2 v1/topdown/jsonschema.go over internal/gojsonschema, OPA's copy of
// xeipuuv/gojsonschema b076d39a02e5: drafts 4, 6 and 7, draft detected from `$schema`, a lenient
// hybrid of them without it). The release policy turns their error strings into violation
// messages, so those are gojsonschema's to the letter. Like every host builtin they never throw: where Go returns an error
// (a malformed argument, a schema that does not compile) the answer is undefined, as in OPA's
// non-strict evaluation. Differences from ec, all stricter, are listed in docs/compatibility.md.
// Pure.
import { Compiler, SchemaCompileError } from './json-schema/compile.ts';
import { ROOT } from './json-schema/messages.ts';
import type { SubSchema } from './json-schema/schema.ts';
import { fieldOf, LimitError, Validator } from './json-schema/validate.ts';
import { fingerprint, fromPlain, NestingLimitError, parseJsonText, ValueCount, type JsonValue } from './json-schema/value.ts';

/** One validation error as json.match_schema returns it. */
export interface MatchError {
  error: string;
  type: string;
  field: string;
  desc: string;
}

class ArgumentError extends Error {}

/** astValueToJSONSchemaLoader: a JSON string (checked like json.Valid) or an object/array. */
function loadArgument(v: unknown, count = new ValueCount()): JsonValue {
  if (typeof v === 'string') {
    const parsed = parseJsonText(v, count);
    if (parsed === undefined) throw new ArgumentError('invalid JSON string');
    return parsed;
  }
  // Rego sets reach host builtins as arrays too (OPA itself rejects a set here).
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
    const converted = fromPlain(v, count);
    if (converted === undefined) throw new ArgumentError('wrong type, expected string or object');
    return converted;
  }
  throw new ArgumentError('wrong type, expected string or object');
}

/**
 * Compiled schemas by their JSON text. A policy validates every SBOM of every component against
 * the same few schemas (CycloneDX's takes ~50 ms to compile), as OPA's inter-query cache does.
 * A compiled schema is never modified afterwards, so sharing it is safe; failures are kept too.
 */
const compiled = new Map<string, SubSchema | Error>();
const CACHE_SIZE = 16;

function compile(schema: unknown): SubSchema {
  let doc: JsonValue;
  try {
    doc = loadArgument(schema);
  } catch (err) {
    if (err instanceof ArgumentError || err instanceof NestingLimitError) throw err;
    throw new ArgumentError('wrong type, expected string or object');
  }
  const key = fingerprint(doc);
  let entry = compiled.get(key);
  if (entry === undefined) {
    try {
      entry = new Compiler().compile(doc);
    } catch (err) {
      if (!(err instanceof SchemaCompileError || err instanceof NestingLimitError)) throw err;
      entry = err;
    }
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  } else compiled.delete(key); // re-inserted below: most recently used last
  compiled.set(key, entry);
  if (entry instanceof Error) throw entry;
  return entry;
}

function limitFailure(message: string): [false, MatchError[]] {
  return [false, [{ error: `${ROOT}: ${message}`, type: 'validation_limit', field: ROOT, desc: message }]];
}

/**
 * json.match_schema(document, schema) → [match, errors]. Undefined where OPA raises an error. A
 * validation vouch cannot finish (a document nested deeper than it reads, a `$ref` cycle Go would
 * overflow its stack on, a step budget spent) is a failed match with one `validation_limit` error.
 */
export function matchSchema(document: unknown, schema: unknown): [boolean, MatchError[]] | undefined {
  let doc: JsonValue;
  const values = new ValueCount();
  try {
    doc = loadArgument(document, values);
  } catch (err) {
    if (err instanceof NestingLimitError) return limitFailure(`Validation stopped: the document is ${err.message}`);
    return undefined;
  }
  let root: SubSchema;
  try {
    root = compile(schema);
  } catch {
    return undefined;
  }
  try {
    const errors = new Validator(values.n).validate(root, doc);
    return [
      errors.length === 0,
      errors.map((e) => ({ error: `${fieldOf(e.context)}: ${e.description}`, type: e.type, field: fieldOf(e.context), desc: e.description })),
    ];
  } catch (err) {
    if (err instanceof LimitError) return limitFailure(err.message);
    if (err instanceof RangeError) return limitFailure('Validation stopped: too deeply nested');
    return undefined;
  }
}

/** json.verify_schema(schema) → [true, null] or [false, "jsonschema: <why>"]. */
export function verifySchema(schema: unknown): [boolean, string | null] {
  try {
    compile(schema);
    return [true, null];
  } catch (err) {
    if (err instanceof ArgumentError || err instanceof SchemaCompileError || err instanceof NestingLimitError) return [false, `jsonschema: ${err.message}`];
    return [false, 'jsonschema: schema could not be compiled'];
  }
}

export const jsonSchemaBuiltins = {
  'json.match_schema': matchSchema,
  'json.verify_schema': verifySchema,
} as const;
