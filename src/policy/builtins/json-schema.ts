// The Rego builtins json.match_schema and json.verify_schema, answering as OPA's Go topdown does
// (open-policy-agent/opa v1.22.2 v1/topdown/jsonschema.go over its internal/gojsonschema, drafts 4,
// 6 and 7). The release policy turns their error strings into violation messages, so those are
// gojsonschema's to the letter. Like every host builtin they never throw: where Go returns an error
// (a malformed argument, a schema that does not compile) the answer is undefined, as in OPA's
// non-strict evaluation. Differences from ec, all stricter, are listed in docs/compatibility.md.
// Pure.
import { Compiler, SchemaCompileError } from './json-schema/compile.ts';
import { ROOT } from './json-schema/messages.ts';
import type { SubSchema } from './json-schema/schema.ts';
import { fieldOf, LimitError, Validator } from './json-schema/validate.ts';
import { fromPlain, NestingLimitError, parseJsonText, type JsonValue } from './json-schema/value.ts';

/** One validation error as json.match_schema returns it. */
export interface MatchError {
  error: string;
  type: string;
  field: string;
  desc: string;
}

class ArgumentError extends Error {}

/** astValueToJSONSchemaLoader: a JSON string (checked like json.Valid) or an object/array. */
function loadArgument(v: unknown): JsonValue {
  if (typeof v === 'string') {
    const parsed = parseJsonText(v);
    if (parsed === undefined) throw new ArgumentError('invalid JSON string');
    return parsed;
  }
  // Rego sets reach host builtins as arrays too (OPA itself rejects a set here).
  if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
    const converted = fromPlain(v);
    if (converted === undefined) throw new ArgumentError('wrong type, expected string or object');
    return converted;
  }
  throw new ArgumentError('wrong type, expected string or object');
}

function compile(schema: unknown): SubSchema {
  return new Compiler().compile(loadArgument(schema));
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
  try {
    doc = loadArgument(document);
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
    const errors = new Validator().validate(root, doc);
    return [errors.length === 0, errors.map((e) => ({ error: `${fieldOf(e.context)}: ${e.description}`, type: e.type, field: fieldOf(e.context), desc: e.description }))];
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
