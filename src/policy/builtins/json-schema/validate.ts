// Validation as gojsonschema's Schema.Validate does it (OPA internal/gojsonschema validation.go,
// result.go, errors.go at v1.22.2): the same checks in the same order, the same errors with the
// same fields, and the same scores, which decide whose errors an unmatched anyOf/oneOf/contains
// reports. Where Go ranges over a map (an object's keys, patternProperties, dependencies), keys
// are taken in sorted order. Pure.
//
// Go would recurse forever on a `$ref` cycle that consumes no input ({"$ref": "#"}) and crash the
// process, and can take exponential time on nested anyOf/oneOf. Here those end in a LimitError,
// which the builtin turns into a failed match (never a pass): a cycle is caught the moment a
// schema is re-entered on the same value, and every run has a step budget and a depth bound.
import { compareDecimal, isMultipleOf, toDecimal } from './decimal.ts';
import { isFormat } from './formats.ts';
import { Describe, ROOT, type ErrorType } from './messages.ts';
import type { SubSchema } from './schema.ts';
import { compareCodePoints, goMarshal, isObject, sortedKeys, type JsonObject, type JsonValue } from './value.ts';

/** Most nested schema applications on one path (documents are at most MAX_NESTING deep). */
const MAX_VALIDATION_DEPTH = 1500;
/**
 * Most schema applications in one validation: a fixed allowance plus a number per value of the
 * document, so time stays linear in the input (about 2 µs a step) while real schemas, which apply a
 * few dozen schemas per value at most, never reach it.
 */
const BASE_VALIDATION_STEPS = 1_000_000;
const STEPS_PER_VALUE = 200;

export interface ResultError {
  type: ErrorType;
  /** The context string, e.g. "(Root).a.0". */
  context: string;
  description: string;
}

export class LimitError extends Error {
  readonly code = 'JSON_SCHEMA_LIMIT';
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** ResultErrorFields.Field(): the context without its "(Root)." prefix. */
export const fieldOf = (context: string): string => (context.startsWith(`${ROOT}.`) ? context.slice(ROOT.length + 1) : context);

class Result {
  errors: ResultError[] = [];
  score = 0;

  add(type: ErrorType, context: string, description: string): void {
    this.errors.push({ type, context, description });
    this.score -= 2; // a net -1 with the +1 every check adds when it ends
  }

  merge(other: Result): void {
    for (const e of other.errors) this.errors.push(e);
    this.score += other.score;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

const isInteger = (n: number): boolean => Number.isInteger(n);

export class Validator {
  private steps = 0;
  private readonly maxSteps: number;
  private depth = 0;
  /** The (schema, value) pairs being validated on the current path, to catch cycles. */
  private readonly active = new Map<SubSchema, Set<JsonValue>>();

  /** `values`: how many values the document has (its step allowance grows with it). */
  constructor(values: number) {
    this.maxSteps = BASE_VALIDATION_STEPS + STEPS_PER_VALUE * values;
  }

  validate(root: SubSchema, doc: JsonValue): ResultError[] {
    const result = new Result();
    this.recurse(root, doc, result, ROOT);
    return result.errors;
  }

  private sub(schema: SubSchema, node: JsonValue, context: string): Result {
    const result = new Result();
    this.recurse(schema, node, result, context);
    return result;
  }

  private recurse(schema: SubSchema, node: JsonValue, result: Result, context: string): void {
    if (++this.steps > this.maxSteps) throw new LimitError(`Validation stopped after ${this.maxSteps} steps`);
    if (this.depth >= MAX_VALIDATION_DEPTH) throw new LimitError(`Validation stopped at ${MAX_VALIDATION_DEPTH} nested schemas`);
    let seen = this.active.get(schema);
    if (seen?.has(node)) throw new LimitError('Validation stopped: the schema refers back to itself without consuming the document');
    if (!seen) this.active.set(schema, (seen = new Set()));
    seen.add(node);
    this.depth++;
    try {
      this.validateRecursive(schema, node, result, context);
    } finally {
      this.depth--;
      seen.delete(node);
    }
  }

  private typeError(s: SubSchema, given: string, result: Result, context: string): boolean {
    if (s.types.length === 0 || s.types.includes(given)) return false;
    const expected = s.types.length > 1 ? `[${s.types.join(',')}]` : s.types[0]!;
    result.add('invalid_type', context, Describe.invalid_type(expected, given));
    return true;
  }

  private validateRecursive(s: SubSchema, node: JsonValue, result: Result, context: string): void {
    if (s.pass !== undefined) {
      if (!s.pass) result.add('false', context, Describe.false());
      return;
    }
    if (s.refSchema) return this.recurse(s.refSchema, node, result, context);
    if (node === null) {
      if (this.typeError(s, 'null', result, context)) return;
      this.validateSchema(s, node, result, context);
      this.validateCommon(s, node, result, context);
    } else if (typeof node === 'number') {
      const int = isInteger(node);
      if (s.types.length > 0 && !(s.types.includes('number') || (int && s.types.includes('integer')))) {
        this.typeError(s, int ? 'integer' : 'number', result, context);
        return;
      }
      this.validateSchema(s, node, result, context);
      this.validateNumber(s, node, result, context);
      this.validateCommon(s, node, result, context);
    } else if (Array.isArray(node)) {
      if (this.typeError(s, 'array', result, context)) return;
      this.validateSchema(s, node, result, context);
      this.validateArray(s, node, result, context);
      this.validateCommon(s, node, result, context);
    } else if (isObject(node)) {
      if (this.typeError(s, 'object', result, context)) return;
      this.validateSchema(s, node, result, context);
      this.validateObject(s, node, result, context);
      this.validateCommon(s, node, result, context);
      for (const p of s.properties) {
        const next = node.get(p.property);
        if (next !== undefined) this.recurse(p, next, result, `${context}.${p.property}`);
      }
    } else if (typeof node === 'boolean') {
      if (this.typeError(s, 'boolean', result, context)) return;
      this.validateSchema(s, node, result, context);
      this.validateCommon(s, node, result, context);
    } else {
      if (this.typeError(s, 'string', result, context)) return;
      this.validateSchema(s, node, result, context);
      this.validateCommon(s, node, result, context);
      this.validateString(s, node, result, context);
    }
    result.score++;
  }

  private validateSchema(s: SubSchema, node: JsonValue, result: Result, context: string): void {
    if (s.anyOf.length > 0) {
      let valid = false;
      let best: Result | undefined;
      for (const schema of s.anyOf) {
        const r = this.sub(schema, node, context);
        valid = r.valid;
        if (valid) break;
        if (!best || r.score > best.score) best = r;
      }
      if (!valid) {
        result.add('number_any_of', context, Describe.number_any_of());
        if (best) result.merge(best);
      }
    }
    if (s.oneOf.length > 0) {
      let validated = 0;
      let best: Result | undefined;
      for (const schema of s.oneOf) {
        const r = this.sub(schema, node, context);
        if (r.valid) validated++;
        else if (validated === 0 && (!best || r.score > best.score)) best = r;
      }
      if (validated !== 1) {
        result.add('number_one_of', context, Describe.number_one_of());
        if (validated === 0 && best) result.merge(best);
      }
    }
    if (s.allOf.length > 0) {
      let validated = 0;
      for (const schema of s.allOf) {
        const r = this.sub(schema, node, context);
        if (r.valid) validated++;
        result.merge(r);
      }
      if (validated !== s.allOf.length) result.add('number_all_of', context, Describe.number_all_of());
    }
    if (s.not && this.sub(s.not, node, context).valid) result.add('number_not', context, Describe.number_not());
    if (s.dependencies && s.dependencies.size > 0 && isObject(node)) this.validateDependencies(s.dependencies, node, result, context);
    if (s.if) {
      const matched = this.sub(s.if, node, context).valid;
      const branch = matched ? s.then : s.else;
      if (branch) {
        const r = this.sub(branch, node, context);
        if (!r.valid) {
          if (matched) result.add('condition_then', context, Describe.condition_then());
          else result.add('condition_else', context, Describe.condition_else());
          result.merge(r);
        }
      }
    }
    result.score++;
  }

  private validateDependencies(dependencies: Map<string, string[] | SubSchema>, node: JsonObject, result: Result, context: string): void {
    for (const key of sortedKeys(node)) {
      const dependency = dependencies.get(key);
      if (dependency === undefined) continue;
      if (Array.isArray(dependency)) {
        for (const needed of dependency) {
          if (!node.has(needed)) result.add('missing_dependency', context, Describe.missing_dependency(needed));
        }
      } else this.recurse(dependency, node, result, context);
    }
  }

  private validateCommon(s: SubSchema, node: JsonValue, result: Result, context: string): void {
    if (s.constValue !== undefined && goMarshal(node) !== s.constValue) {
      result.add('const', context, Describe.const(fieldOf(context), s.constValue));
    }
    if (s.enumValues !== undefined && !s.enumValues.includes(goMarshal(node))) {
      result.add('enum', context, Describe.enum(fieldOf(context), s.enumValues.join(', ')));
    }
    if (s.format !== '' && !isFormat(s.format, node)) result.add('format', context, Describe.format(s.format));
    result.score++;
  }

  private validateArray(s: SubSchema, node: JsonValue[], result: Result, context: string): void {
    if (s.itemsIsSingleSchema) {
      node.forEach((item, i) => result.merge(this.sub(s.items[0]!, item, `${context}.${i}`)));
    } else if (s.items.length > 0) {
      const n = Math.min(s.items.length, node.length);
      for (let i = 0; i < n; i++) result.merge(this.sub(s.items[i]!, node[i]!, `${context}.${i}`));
      if (s.items.length < node.length) {
        if (s.additionalItems === false) result.add('array_no_additional_items', context, Describe.array_no_additional_items());
        else if (typeof s.additionalItems === 'object') {
          for (let i = s.items.length; i < node.length; i++) result.merge(this.sub(s.additionalItems, node[i]!, `${context}.${i}`));
        }
      }
    }
    if (s.minItems !== undefined && node.length < s.minItems) result.add('array_min_items', context, Describe.array_min_items(s.minItems));
    if (s.maxItems !== undefined && node.length > s.maxItems) result.add('array_max_items', context, Describe.array_max_items(s.maxItems));
    if (s.uniqueItems) {
      const seen = new Map<string, number>();
      node.forEach((item, j) => {
        const text = goMarshal(item);
        const i = seen.get(text);
        if (i !== undefined) result.add('unique', context, Describe.unique(i, j));
        seen.set(text, j);
      });
    }
    if (s.contains) this.validateContains(s.contains, node, result, context);
    result.score++;
  }

  private validateContains(contains: SubSchema, node: JsonValue[], result: Result, context: string): void {
    let best: Result | undefined;
    for (let i = 0; i < node.length; i++) {
      const r = this.sub(contains, node[i]!, `${context}.${i}`);
      if (r.valid) return;
      if (!best || r.score > best.score) best = r;
    }
    result.add('contains', context, Describe.contains());
    if (best) result.merge(best);
  }

  private validateObject(s: SubSchema, node: JsonObject, result: Result, context: string): void {
    if (s.minProperties !== undefined && node.size < s.minProperties)
      result.add('array_min_properties', context, Describe.array_min_properties(s.minProperties));
    if (s.maxProperties !== undefined && node.size > s.maxProperties)
      result.add('array_max_properties', context, Describe.array_max_properties(s.maxProperties));
    for (const name of s.required) {
      if (node.has(name)) result.score++;
      else result.add('required', context, Describe.required(name));
    }
    const keys = sortedKeys(node);
    for (const key of keys) {
      const declared = s.properties.some((p) => p.property === key);
      const matched = this.validatePatternProperties(s, key, node.get(key)!, result, context);
      if (declared || matched) continue;
      if (s.additionalProperties === false) result.add('additional_property_not_allowed', context, Describe.additional_property_not_allowed(key));
      else if (typeof s.additionalProperties === 'object') result.merge(this.sub(s.additionalProperties, node.get(key)!, `${context}.${key}`));
    }
    if (s.propertyNames) {
      for (const key of keys) {
        const r = this.sub(s.propertyNames, key, context);
        if (!r.valid) {
          result.add('invalid_property_name', context, Describe.invalid_property_name(key));
          result.merge(r);
        }
      }
    }
    result.score++;
  }

  private validatePatternProperties(s: SubSchema, key: string, value: JsonValue, result: Result, context: string): boolean {
    if (!s.patternProperties) return false;
    let matched = false;
    for (const pk of [...s.patternProperties.keys()].sort(compareCodePoints)) {
      const { compiled, schema } = s.patternProperties.get(pk)!;
      if (!compiled.test(key)) continue;
      matched = true;
      result.merge(this.sub(schema, value, `${context}.${key}`));
    }
    if (matched) result.score++;
    return matched;
  }

  private validateString(s: SubSchema, node: string, result: Result, context: string): void {
    let length: number | undefined;
    const runes = (): number => (length ??= [...node].length);
    if (s.minLength !== undefined && runes() < s.minLength) result.add('string_gte', context, Describe.string_gte(s.minLength));
    if (s.maxLength !== undefined && runes() > s.maxLength) result.add('string_lte', context, Describe.string_lte(s.maxLength));
    if (s.pattern && !s.pattern.compiled.test(node)) result.add('pattern', context, Describe.pattern(s.pattern.source));
    result.score++;
  }

  private validateNumber(s: SubSchema, node: number, result: Result, context: string): void {
    const x = toDecimal(node);
    if (s.multipleOf && !isMultipleOf(x, s.multipleOf.decimal)) result.add('multiple_of', context, Describe.multiple_of(s.multipleOf.value));
    if (s.maximum && compareDecimal(x, s.maximum.decimal) > 0) result.add('number_lte', context, Describe.number_lte(s.maximum.value));
    if (s.exclusiveMaximum && compareDecimal(x, s.exclusiveMaximum.decimal) >= 0)
      result.add('number_lt', context, Describe.number_lt(s.exclusiveMaximum.value));
    if (s.minimum && compareDecimal(x, s.minimum.decimal) < 0) result.add('number_gte', context, Describe.number_gte(s.minimum.value));
    if (s.exclusiveMinimum && compareDecimal(x, s.exclusiveMinimum.decimal) <= 0)
      result.add('number_gt', context, Describe.number_gt(s.exclusiveMinimum.value));
    result.score++;
  }
}
