// Schema compilation as gojsonschema's SchemaLoader.Compile does it (OPA internal/gojsonschema
// schemaLoader.go, schemaPool.go, schema.go at v1.22.2; v1.15.2 differs only where noted): every
// keyword checked in the same order with the same error text, `$ref` resolved through the same
// two pools (documents by URL, compiled nodes by reference string) so that cycles compile, and Go's
// map iteration taken in sorted order. Differences, on purpose:
// - a `$ref` is resolved only inside the schema itself (its `$id`s included). gojsonschema also
//   fetches http(s) URLs (OPA v1.22 limits this to the capabilities' allow_net; ec allows no host),
//   reads `file://` URLs from disk (even under ec), and serves the draft 4/6/7 meta-schemas from
//   memory. vouch does none of these: every reference outside the schema fails to compile with
//   gojsonschema's "remote reference loading disabled" text.
// - compiling stops with an error past MAX_NESTING levels or MAX_COMPILE_STEPS nodes.
// Pure.
import { toBound } from './decimal.ts';
import { Expected, SchemaText } from './messages.ts';
import { compilePattern } from './pattern.ts';
import { getPointer, inherits, isCanonical, newReference, referenceString, withoutFragment, type JsonReference } from './reference.ts';
import { Draft, newSubSchema, type SubSchema } from './schema.ts';
import { goMarshal, isObject, MAX_NESTING, sortedKeys, type JsonObject, type JsonValue } from './value.ts';

/** Upper bound on schema nodes compiled for one schema (a `$ref` target counts once per use). */
const MAX_COMPILE_STEPS = 200_000;

/** A schema that does not compile; `message` is gojsonschema's text (vouch's for its own limits). */
export class SchemaCompileError extends Error {
  readonly code = 'JSON_SCHEMA_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCompileError';
  }
}

const fail = (message: string): never => {
  throw new SchemaCompileError(message);
};

const JSON_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];
const DRAFTS: Record<string, Draft> = {
  'http://json-schema.org/draft-04/schema': Draft.D4,
  'http://json-schema.org/draft-06/schema': Draft.D6,
  'http://json-schema.org/draft-07/schema': Draft.D7,
};

function reference(s: string): JsonReference {
  const r = newReference(s);
  return r.ok ? r.value : fail(r.message);
}

/** parseSchemaURL: the draft named by `$schema`, if any. */
function detectDraft(doc: JsonValue): Draft | undefined {
  if (typeof doc === 'boolean') return undefined;
  if (!isObject(doc)) return fail('schema is invalid');
  const schema = doc.get('$schema');
  if (schema === undefined) return undefined;
  if (typeof schema !== 'string') return fail(SchemaText.mustBeOfType('$schema', 'string'));
  return DRAFTS[referenceString(reference(schema))];
}

function getString(m: JsonObject, key: string): string | undefined {
  const v = m.get(key);
  if (v === undefined || typeof v === 'string') return v;
  return fail(SchemaText.invalidType('string', key));
}

function getSlice(m: JsonObject, key: string): JsonValue[] | undefined {
  const v = m.get(key);
  if (v === undefined || Array.isArray(v)) return v;
  return fail(SchemaText.mustBeOfAn(key, 'array'));
}

/** mustBeInteger: an integral number that fits an int64. */
function integerOf(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? v : undefined;
}

function nonNegativeInteger(m: JsonObject, key: string): number | undefined {
  if (!m.has(key)) return undefined;
  const n = integerOf(m.get(key));
  if (n === undefined) return fail(SchemaText.mustBeOfAn(key, 'integer'));
  if (n < 0) return fail(SchemaText.mustBeGTEZero(key));
  return n;
}

const isSchemaValue = (v: JsonValue | undefined): boolean => typeof v === 'boolean' || isObject(v);

interface PoolDocument {
  document: JsonValue;
}

export class Compiler {
  /** schemaPool: documents by URL (the root under "", `$id`s under their resolved URL). */
  private readonly documents = new Map<string, PoolDocument>();
  /** schemaReferencePool: compiled `$ref` targets by reference string. */
  private readonly references = new Map<string, SubSchema>();
  private draft: Draft = Draft.Hybrid;
  private steps = 0;

  /** SchemaLoader.Compile of an in-memory schema document (which it rewrites: `$ref`s made absolute). */
  compile(doc: JsonValue): SubSchema {
    const root = reference('#');
    this.draft = detectDraft(doc) ?? Draft.Hybrid;
    this.parseReferences(doc, root);
    const schema = newSubSchema('(Root)', this.draft);
    this.parseSchema(doc, schema, 0);
    return schema;
  }

  private parseReferences(doc: JsonValue, ref: JsonReference): void {
    const key = referenceString(ref);
    if (this.documents.has(key)) fail(`Reference already exists: "${key}"`);
    try {
      this.parseReferencesRecursive(doc, ref, 0);
    } finally {
      this.documents.set(key, { document: doc });
    }
  }

  /** Registers every `$id` and makes every `$ref` absolute, silently skipping what does not parse. */
  private parseReferencesRecursive(doc: JsonValue, ref: JsonReference, depth: number): void {
    if (depth > MAX_NESTING) fail(`schema nesting deeper than ${MAX_NESTING} levels`);
    if (Array.isArray(doc)) {
      for (const v of doc) this.parseReferencesRecursive(v, ref, depth + 1);
      return;
    }
    if (!isObject(doc)) return;
    let local = ref;
    const id = doc.get(doc.has('id') ? 'id' : '$id');
    if (typeof id === 'string') {
      const parsed = newReference(id);
      const resolved = parsed.ok ? inherits(ref, parsed.value) : undefined;
      if (resolved?.ok) {
        local = resolved.value;
        const key = referenceString(local);
        if (this.documents.has(key)) fail(`Reference already exists: "${key}"`);
        this.documents.set(key, { document: doc });
      }
    }
    const target = doc.get('$ref');
    if (typeof target === 'string') {
      const parsed = newReference(target);
      const absolute = parsed.ok ? inherits(local, parsed.value) : undefined;
      if (absolute?.ok) doc.set('$ref', referenceString(absolute.value));
    }
    for (const k of sortedKeys(doc)) {
      if (k === 'const' || k === 'enum') continue;
      const v = doc.get(k)!;
      if (k === 'properties' || k === 'dependencies' || k === 'patternProperties') {
        if (isObject(v)) for (const child of sortedKeys(v)) this.parseReferencesRecursive(v.get(child)!, local, depth + 2);
      } else this.parseReferencesRecursive(v, local, depth + 1);
    }
  }

  /** schemaPool.GetDocument: a pooled document, or a pointer into one; nothing is ever fetched. */
  private getDocument(ref: JsonReference): JsonValue {
    const key = referenceString(ref);
    const pooled = this.documents.get(key);
    if (pooled) return pooled.document;
    const base = this.documents.get(referenceString(withoutFragment(ref)));
    if (base) {
      const found = getPointer(ref, base.document);
      if (!found.ok) return fail(found.message);
      this.documents.set(key, { document: found.value });
      return found.value;
    }
    if (!isCanonical(ref)) return fail(SchemaText.referenceMustBeCanonical(key));
    return fail(`remote reference loading disabled: ${referenceString(withoutFragment(ref))}`);
  }

  private child(property: string, doc: JsonValue, depth: number): SubSchema {
    const node = newSubSchema(property, this.draft);
    this.parseSchema(doc, node, depth + 1);
    return node;
  }

  private parseReference(current: SubSchema, ref: JsonReference, depth: number): void {
    const node = newSubSchema('$ref', this.draft);
    const key = referenceString(ref);
    if (!this.references.has(key)) this.references.set(key, node);
    const doc = this.getDocument(ref);
    if (!isSchemaValue(doc)) fail(SchemaText.mustBeOfType(Expected.schema, 'object'));
    this.parseSchema(doc, node, depth + 1);
    current.refSchema = node;
  }

  parseSchema(doc: JsonValue, s: SubSchema, depth: number): void {
    if (depth > MAX_NESTING) fail(`schema nesting deeper than ${MAX_NESTING} levels`);
    if (++this.steps > MAX_COMPILE_STEPS) fail(`schema larger than ${MAX_COMPILE_STEPS} nodes`);
    if (s.draft >= Draft.D6 && typeof doc === 'boolean') {
      s.pass = doc;
      return;
    }
    if (!isObject(doc)) return fail(SchemaText.parseError(Expected.schema));
    this.parseIdentity(doc, s);
    this.parseDefinitions(doc, depth);
    getString(doc, 'title');
    getString(doc, 'description');
    const ref = getString(doc, '$ref');
    if (ref !== undefined) {
      const r = reference(ref);
      const known = this.references.get(referenceString(r));
      if (!known) return this.parseReference(s, r, depth);
      s.refSchema = known;
    }
    this.parseType(doc, s);
    this.parseObjectKeywords(doc, s, depth);
    this.parseArrayKeywords(doc, s, depth);
    this.parseNumberKeywords(doc, s);
    this.parseStringKeywords(doc, s);
    this.parseObjectLimits(doc, s);
    this.parseArrayLimits(doc, s, depth);
    this.parseValueKeywords(doc, s);
    this.parseCombinators(doc, s, depth);
  }

  private parseIdentity(doc: JsonObject, s: SubSchema): void {
    let key = '$id';
    if (s.draft === Draft.D4) key = 'id';
    else if (s.draft === Draft.Hybrid && doc.has('id')) key = 'id';
    const id = getString(doc, key);
    if (id !== undefined) reference(id);
  }

  private parseDefinitions(doc: JsonObject, depth: number): void {
    const definitions = doc.get('definitions');
    if (definitions === undefined) return;
    if (!isObject(definitions)) return fail(SchemaText.invalidType(Expected.arrayOfSchemas, 'definitions'));
    for (const k of sortedKeys(definitions)) {
      const v = definitions.get(k)!;
      if (!isSchemaValue(v)) return fail(SchemaText.invalidType(Expected.arrayOfSchemas, 'definitions'));
      this.child('definitions', v, depth);
    }
  }

  private parseType(doc: JsonObject, s: SubSchema): void {
    const type = doc.get('type');
    if (type === undefined) return;
    const add = (t: string): void => {
      if (!JSON_TYPES.includes(t)) fail(SchemaText.notAValidType(t));
      if (s.types.includes(t)) fail(SchemaText.duplicated(t));
      s.types.push(t);
    };
    if (typeof type === 'string') add(type);
    else if (Array.isArray(type)) {
      for (const t of type) {
        if (typeof t !== 'string') fail(SchemaText.invalidType('type', `string/${Expected.arrayOfStrings}`));
        add(t as string);
      }
    } else fail(SchemaText.invalidType('type', `string/${Expected.arrayOfStrings}`));
  }

  private parseObjectKeywords(doc: JsonObject, s: SubSchema, depth: number): void {
    const properties = doc.get('properties');
    if (properties !== undefined) {
      if (!isObject(properties)) fail(SchemaText.mustBeOfType(Expected.properties, 'object'));
      for (const k of sortedKeys(properties as JsonObject)) s.properties.push(this.child(k, (properties as JsonObject).get(k)!, depth));
    }
    const additional = doc.get('additionalProperties');
    if (additional !== undefined) {
      if (typeof additional === 'boolean') s.additionalProperties = additional;
      else if (isObject(additional)) s.additionalProperties = this.child('additionalProperties', additional, depth);
      else fail(SchemaText.invalidType(`boolean/${Expected.schema}`, 'additionalProperties'));
    }
    const patterns = doc.get('patternProperties');
    if (patterns !== undefined) {
      if (!isObject(patterns)) fail(SchemaText.invalidType(Expected.schema, 'patternProperties'));
      const map = patterns as JsonObject;
      if (map.size > 0) s.patternProperties = new Map();
      for (const k of sortedKeys(map)) {
        const compiled = compilePattern(k);
        if (!compiled) fail(SchemaText.regexPattern(k));
        s.patternProperties!.set(k, { compiled: compiled!, schema: this.child(k, map.get(k)!, depth) });
      }
    }
    const names = doc.get('propertyNames');
    if (names !== undefined && s.draft >= Draft.D6) {
      if (!isSchemaValue(names)) fail(SchemaText.invalidType(Expected.schema, 'patternProperties'));
      s.propertyNames = this.child('propertyNames', names, depth);
    }
    const dependencies = doc.get('dependencies');
    if (dependencies !== undefined) this.parseDependencies(dependencies, s, depth);
  }

  private parseDependencies(dependencies: JsonValue, s: SubSchema, depth: number): void {
    if (!isObject(dependencies)) return fail(SchemaText.mustBeOfType('dependencies', 'object'));
    s.dependencies = new Map();
    for (const k of sortedKeys(dependencies)) {
      const v = dependencies.get(k)!;
      if (Array.isArray(v)) {
        const names: string[] = [];
        for (const name of v) {
          if (typeof name !== 'string') fail(SchemaText.mustBeOfType(Expected.dependency, Expected.schemaOrArrayOfStrings));
          names.push(name as string);
        }
        // gojsonschema records the list inside its loop, so an empty list is no dependency at all.
        if (names.length > 0) s.dependencies.set(k, names);
      } else if (isSchemaValue(v)) s.dependencies.set(k, this.child(k, v, depth));
      else fail(SchemaText.mustBeOfType(Expected.dependency, Expected.schemaOrArrayOfStrings));
    }
  }

  private parseArrayKeywords(doc: JsonObject, s: SubSchema, depth: number): void {
    const items = doc.get('items');
    if (items !== undefined) {
      if (Array.isArray(items)) {
        for (const item of items) {
          if (!isSchemaValue(item)) fail(SchemaText.invalidType(`${Expected.schema}/${Expected.arrayOfSchemas}`, 'items'));
          s.items.push(this.child('items', item, depth));
        }
      } else if (isSchemaValue(items)) {
        s.items.push(this.child('items', items, depth));
        s.itemsIsSingleSchema = true;
      } else fail(SchemaText.invalidType(`${Expected.schema}/${Expected.arrayOfSchemas}`, 'items'));
    }
    const additional = doc.get('additionalItems');
    if (additional !== undefined) {
      if (typeof additional === 'boolean') s.additionalItems = additional;
      else if (isObject(additional)) s.additionalItems = this.child('additionalItems', additional, depth);
      else fail(SchemaText.invalidType(`boolean/${Expected.schema}`, 'additionalItems'));
    }
  }

  private parseNumberKeywords(doc: JsonObject, s: SubSchema): void {
    const multipleOf = doc.get('multipleOf');
    if (multipleOf !== undefined) {
      if (typeof multipleOf !== 'number') fail(SchemaText.invalidType(Expected.number, 'multipleOf'));
      if ((multipleOf as number) <= 0) fail(SchemaText.greaterThanZero('multipleOf'));
      s.multipleOf = toBound(multipleOf as number);
    }
    for (const [bound, exclusive] of [
      ['minimum', 'exclusiveMinimum'],
      ['maximum', 'exclusiveMaximum'],
    ] as const) {
      const value = doc.get(bound);
      if (value !== undefined) {
        if (typeof value !== 'number') fail(SchemaText.mustBeOfA(bound, Expected.number));
        s[bound] = toBound(value as number);
      }
      if (doc.has(exclusive)) this.parseExclusive(doc.get(exclusive)!, s, bound, exclusive);
    }
  }

  /** exclusiveMinimum/Maximum: a flag on the bound in draft 4, a number from draft 6, either in hybrid mode. */
  private parseExclusive(v: JsonValue, s: SubSchema, bound: 'minimum' | 'maximum', exclusive: 'exclusiveMinimum' | 'exclusiveMaximum'): void {
    const asFlag = (): void => {
      if (s[bound] === undefined) fail(SchemaText.cannotBeUsedWithout(exclusive, bound));
      if (v === true) {
        s[exclusive] = s[bound];
        s[bound] = undefined;
      }
    };
    if (s.draft === Draft.D4) {
      if (typeof v !== 'boolean') fail(SchemaText.invalidType('boolean', exclusive));
      asFlag();
    } else if (s.draft === Draft.Hybrid) {
      if (typeof v === 'boolean') asFlag();
      else if (typeof v === 'number') s[exclusive] = toBound(v);
      else fail(SchemaText.invalidType('boolean/number', exclusive));
    } else {
      if (typeof v !== 'number') fail(SchemaText.invalidType('number', exclusive));
      s[exclusive] = toBound(v as number);
    }
  }

  private parseStringKeywords(doc: JsonObject, s: SubSchema): void {
    s.minLength = nonNegativeInteger(doc, 'minLength');
    s.maxLength = nonNegativeInteger(doc, 'maxLength');
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength) fail(SchemaText.cannotBeGT('minLength', 'maxLength'));
    const pattern = getString(doc, 'pattern');
    if (pattern !== undefined) {
      const compiled = compilePattern(pattern);
      if (!compiled) fail(SchemaText.mustBeValidRegex('pattern'));
      s.pattern = { source: pattern, compiled: compiled! };
    }
    s.format = getString(doc, 'format') ?? '';
  }

  private parseObjectLimits(doc: JsonObject, s: SubSchema): void {
    s.minProperties = nonNegativeInteger(doc, 'minProperties');
    s.maxProperties = nonNegativeInteger(doc, 'maxProperties');
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties) {
      fail(SchemaText.keyCannotBeGreaterThan('minProperties', 'maxProperties'));
    }
    for (const name of getSlice(doc, 'required') ?? []) {
      if (typeof name !== 'string') fail(SchemaText.invalidType('string', 'required'));
      if (s.required.includes(name as string)) fail(SchemaText.keyItemsMustBeUnique('required'));
      s.required.push(name as string);
    }
  }

  private parseArrayLimits(doc: JsonObject, s: SubSchema, depth: number): void {
    s.minItems = nonNegativeInteger(doc, 'minItems');
    s.maxItems = nonNegativeInteger(doc, 'maxItems');
    const unique = doc.get('uniqueItems');
    if (unique !== undefined) {
      if (typeof unique !== 'boolean') fail(SchemaText.mustBeOfA('uniqueItems', 'boolean'));
      s.uniqueItems = unique as boolean;
    }
    const contains = doc.get('contains');
    if (contains !== undefined && s.draft >= Draft.D6) s.contains = this.child('contains', contains, depth);
  }

  private parseValueKeywords(doc: JsonObject, s: SubSchema): void {
    const constant = doc.get('const');
    if (constant !== undefined && s.draft >= Draft.D6) s.constValue = goMarshal(constant);
    const values = getSlice(doc, 'enum');
    if (values === undefined) return;
    // OPA >= 1.20: an empty enum allows nothing (OPA 1.15, which ec uses, ignored it).
    s.enumValues = [];
    for (const v of values) {
      const text = goMarshal(v);
      if (s.enumValues.includes(text)) fail(SchemaText.keyItemsMustBeUnique('enum'));
      s.enumValues.push(text);
    }
  }

  private parseCombinators(doc: JsonObject, s: SubSchema, depth: number): void {
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      for (const v of getSlice(doc, key) ?? []) s[key].push(this.child(key, v, depth));
    }
    const keyed: ['not' | 'if' | 'then' | 'else', boolean][] = [
      ['not', true],
      ['if', s.draft >= Draft.D7],
      ['then', s.draft >= Draft.D7],
      ['else', s.draft >= Draft.D7],
    ];
    for (const [key, applies] of keyed) {
      const v = doc.get(key);
      if (!applies || v === undefined) continue;
      if (!isSchemaValue(v)) fail(SchemaText.mustBeOfAn(key, 'object'));
      s[key] = this.child(key, v, depth);
    }
  }
}
