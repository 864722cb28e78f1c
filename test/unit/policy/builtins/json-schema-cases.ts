// The differential table for json.match_schema / json.verify_schema: every case is answered by the
// real `opa eval` and by vouch, and the answers must be equal (json-schema.test.ts). Hand-written
// schemas covering every keyword of drafts 4, 6 and 7 and gojsonschema's hybrid default, plus
// equivalents of the schemas Conforma's release policy validates rule data and SBOMs with (written
// here, not copied: same shapes and keywords, policy/release + policy/lib at conforma/policy
// 7211d0329e93).

export interface MatchCase {
  name: string;
  doc: unknown;
  schema: unknown;
  /**
   * Go ranges over maps in random order, so when several errors come from different object keys
   * (or patternProperties, or dependencies) OPA's order changes from run to run; vouch takes keys in
   * sorted order. Such cases compare as multisets plus "vouch's order is sorted by key".
   */
  unordered?: boolean;
}

const D4 = 'http://json-schema.org/draft-04/schema#';
const D6 = 'http://json-schema.org/draft-06/schema#';
const D7 = 'http://json-schema.org/draft-07/schema#';

/** A document given as JSON text (the only way to validate a bare scalar, as OPA requires). */
const text = (v: unknown): string => JSON.stringify(v);

export const MATCH_CASES: MatchCase[] = [
  // --- type
  { name: 'type string ok', doc: text('x'), schema: { type: 'string' } },
  { name: 'type string given object', doc: { a: 1 }, schema: { type: 'string' } },
  { name: 'type string given integer', doc: text(3), schema: { type: 'string' } },
  { name: 'type string given number', doc: text(3.5), schema: { type: 'string' } },
  { name: 'type string given null', doc: 'null', schema: { type: 'string' } },
  { name: 'type string given boolean', doc: 'true', schema: { type: 'string' } },
  { name: 'type string given array', doc: [1], schema: { type: 'string' } },
  { name: 'type integer given float', doc: text(1.5), schema: { type: 'integer' } },
  { name: 'type integer given 2.0 as text', doc: '2.0', schema: { type: 'integer' } },
  { name: 'type integer given 1e2 text', doc: '1e2', schema: { type: 'integer' } },
  { name: 'type number given integer', doc: text(7), schema: { type: 'number' } },
  { name: 'type list', doc: text(true), schema: { type: ['string', 'null'] } },
  { name: 'type list three', doc: { a: 1 }, schema: { type: ['string', 'integer', 'array'] } },
  { name: 'type null ok', doc: 'null', schema: { type: 'null' } },
  { name: 'type empty list', doc: text(1), schema: { type: [] } },
  { name: 'nested type error path', doc: { a: { b: [1, { c: 2 }] } }, schema: { properties: { a: { properties: { b: { items: { type: 'integer' } } } } } } },
  // --- boolean schemas
  { name: 'true schema', doc: { a: 1 }, schema: true },
  { name: 'false schema', doc: { a: 1 }, schema: false },
  { name: 'false subschema', doc: { a: 1 }, schema: { properties: { a: false } } },
  { name: 'true subschema', doc: { a: 1 }, schema: { properties: { a: true } } },
  // --- properties / additionalProperties / patternProperties / required
  { name: 'required missing', doc: {}, schema: { required: ['name', 'version'] } },
  { name: 'required partly', doc: { version: 1 }, schema: { required: ['name', 'version'] } },
  { name: 'additional property', doc: { a: 'x', b: 2 }, schema: { properties: { a: { type: 'string' } }, additionalProperties: false } },
  { name: 'additional properties several', doc: { a: 1, z: 1, m: 1, b: 2 }, schema: { properties: { a: {} }, additionalProperties: false }, unordered: true },
  { name: 'additional properties schema', doc: { a: 1, b: 'x', c: 3 }, schema: { properties: { a: {} }, additionalProperties: { type: 'string' } } },
  {
    name: 'pattern properties',
    doc: { x1: 'a', x2: 2, y: 3 },
    schema: { patternProperties: { '^x': { type: 'string' } }, additionalProperties: false },
    unordered: true,
  },
  { name: 'pattern properties two patterns', doc: { ab: 5 }, schema: { patternProperties: { a: { type: 'string' }, b: { minimum: 10 } } }, unordered: true },
  { name: 'property name with dot', doc: { 'a.b': { c: 1 } }, schema: { properties: { 'a.b': { properties: { c: { type: 'string' } } } } } },
  { name: 'property named $ref', doc: { $ref: 1 }, schema: { properties: { $ref: { type: 'string' } } } },
  { name: 'property names', doc: { abc: 1, toolong: 2 }, schema: { propertyNames: { maxLength: 3 } } },
  { name: 'property names false', doc: { a: 1 }, schema: { propertyNames: false } },
  { name: 'min properties', doc: { a: 1 }, schema: { minProperties: 2 } },
  { name: 'max properties', doc: { a: 1, b: 2, c: 3 }, schema: { maxProperties: 2 } },
  {
    name: 'properties and additional mixed errors',
    doc: { a: 1, b: 2 },
    schema: { properties: { a: { type: 'string' } }, additionalProperties: false, required: ['c'] },
  },
  {
    name: 'errors across properties',
    doc: { a: 1, b: 2, c: 3 },
    schema: { properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } } },
    unordered: true,
  },
  // --- dependencies
  { name: 'dependencies array', doc: { a: 1 }, schema: { dependencies: { a: ['b', 'c'] } } },
  { name: 'dependencies schema', doc: { a: 1 }, schema: { dependencies: { a: { required: ['z'] } } } },
  { name: 'dependencies empty array', doc: { a: 1 }, schema: { dependencies: { a: [] } } },
  { name: 'dependencies not object doc', doc: [1], schema: { dependencies: { a: ['b'] } } },
  // --- arrays
  { name: 'items single', doc: [1, 'x', 2], schema: { items: { type: 'integer' } } },
  { name: 'items tuple', doc: [1, 2, 3], schema: { items: [{ type: 'integer' }, { type: 'string' }] } },
  { name: 'items tuple additional false', doc: [1, 'a', 3], schema: { items: [{ type: 'integer' }, { type: 'string' }], additionalItems: false } },
  { name: 'items tuple additional schema', doc: [1, 'a', 3, 'x'], schema: { items: [{}, {}], additionalItems: { type: 'integer' } } },
  { name: 'additionalItems without items', doc: [1, 2], schema: { additionalItems: false } },
  { name: 'items empty tuple', doc: [1, 2], schema: { items: [], additionalItems: false } },
  { name: 'min items', doc: [], schema: { minItems: 1 } },
  { name: 'max items', doc: [1, 2, 3], schema: { maxItems: 2 } },
  { name: 'unique items', doc: [1, 2, 1, 1, { a: 1 }, { a: 1.0 }], schema: { uniqueItems: true } },
  { name: 'unique items false', doc: [1, 1], schema: { uniqueItems: false } },
  { name: 'contains ok', doc: [1, 'x'], schema: { contains: { type: 'string' } } },
  { name: 'contains none', doc: [1, 2], schema: { contains: { type: 'string' } } },
  { name: 'contains empty array', doc: [], schema: { contains: {} } },
  { name: 'contains best error', doc: [{ a: 1 }, { a: 'x', b: 1 }], schema: { contains: { properties: { a: { type: 'string' }, b: { type: 'string' } } } } },
  // --- numbers
  { name: 'minimum', doc: text(0), schema: { minimum: 1 } },
  { name: 'minimum float', doc: text(0.5), schema: { minimum: 0.75 } },
  { name: 'maximum large', doc: text(1234567), schema: { maximum: 1000000 } },
  { name: 'maximum small', doc: text(0.001), schema: { maximum: 0.00001 } },
  { name: 'maximum 123456', doc: text(123457), schema: { maximum: 123456 } },
  { name: 'maximum 0.0001', doc: text(1), schema: { maximum: 0.0001 } },
  { name: 'maximum many digits', doc: text(1), schema: { maximum: 0.1234567890123 } },
  { name: 'minimum negative', doc: text(-5), schema: { minimum: -2.5 } },
  { name: 'exclusiveMinimum number', doc: text(1), schema: { exclusiveMinimum: 1 } },
  { name: 'exclusiveMaximum number', doc: text(2), schema: { exclusiveMaximum: 2 } },
  { name: 'exclusiveMinimum bool hybrid', doc: text(1), schema: { minimum: 1, exclusiveMinimum: true } },
  { name: 'exclusiveMaximum bool false hybrid', doc: text(1), schema: { maximum: 1, exclusiveMaximum: false } },
  { name: 'draft4 exclusiveMinimum', doc: text(1), schema: { $schema: D4, minimum: 1, exclusiveMinimum: true } },
  { name: 'draft7 exclusiveMaximum', doc: text(3), schema: { $schema: D7, exclusiveMaximum: 3 } },
  { name: 'multipleOf decimal ok', doc: text(0.3), schema: { multipleOf: 0.1 } },
  { name: 'multipleOf decimal bad', doc: text(0.35), schema: { multipleOf: 0.1 } },
  { name: 'multipleOf integer', doc: text(10), schema: { multipleOf: 3 } },
  { name: 'multipleOf big', doc: text(1e20), schema: { multipleOf: 7 } },
  { name: 'maximum 1e21', doc: text(1e22), schema: { maximum: 1e21 } },
  { name: 'minimum -0.0001', doc: text(-1), schema: { minimum: -0.0001 } },
  { name: 'multipleOf 1e-7', doc: text(0.00000035), schema: { multipleOf: 1e-7 } },
  { name: 'multipleOf 1e-7 bad', doc: text(0.000000355), schema: { multipleOf: 1e-7 } },
  { name: 'maximum large integer', doc: text(9007199254740993), schema: { maximum: 9007199254740991 } },
  { name: 'exclusiveMinimum negative zero', doc: text(0), schema: { exclusiveMinimum: -0 } },
  { name: 'number keywords on string', doc: text('x'), schema: { minimum: 5, multipleOf: 2 } },
  // --- strings
  { name: 'minLength', doc: text('ab'), schema: { minLength: 3 } },
  { name: 'maxLength runes', doc: text('héllo😀'), schema: { maxLength: 5 } },
  { name: 'maxLength runes ok', doc: text('héllo'), schema: { maxLength: 5 } },
  { name: 'pattern', doc: text('abc'), schema: { pattern: '^x' } },
  { name: 'pattern ok', doc: text('xyz'), schema: { pattern: '^x' } },
  { name: 'pattern unanchored', doc: text('abxc'), schema: { pattern: 'x' } },
  { name: 'pattern dot and newline', doc: text('a\nb'), schema: { pattern: '^a.b$' } },
  { name: 'pattern on number ignored', doc: text(5), schema: { pattern: '^x' } },
  { name: 'pattern character class', doc: text('sha256:ABC'), schema: { pattern: '^sha256:[a-f0-9]+$' } },
  { name: 'pattern \\d and \\w', doc: text('v1_2'), schema: { pattern: '^\\w\\d_\\d$' } },
  { name: 'pattern (?i)', doc: text('ABC'), schema: { pattern: '(?i)^abc$' } },
  { name: 'pattern repetition', doc: text('aaaa'), schema: { pattern: '^a{2,3}$' } },
  { name: 'pattern optional repeating group (CycloneDX locale)', doc: text('en-us'), schema: { pattern: '^([a-z]{2})(-[A-Z]{2})?$' } },
  { name: 'pattern optional repeating group ok', doc: text('en-US'), schema: { pattern: '^([a-z]{2})(-[A-Z]{2})?$' } },
  { name: 'pattern escapes in class', doc: text('a-b.c/d'), schema: { pattern: '^[\\w\\-./]+$' } },
  { name: 'pattern alternation group', doc: text('git+https://x'), schema: { pattern: '^(oci://|git\\+)' } },
  { name: 'string keywords on number', doc: text(12345), schema: { maxLength: 2 } },
  // --- const / enum
  { name: 'const ok', doc: { a: [1, 2] }, schema: { const: { a: [1, 2] } } },
  { name: 'const mismatch object', doc: { a: 1 }, schema: { const: { b: '<&>', a: 1 } } },
  { name: 'const nested', doc: { x: 'y' }, schema: { properties: { x: { const: 'z' } } } },
  { name: 'const number equality', doc: text(1), schema: { const: 1.0 } },
  { name: 'enum', doc: text('x'), schema: { enum: ['a', 'b', { z: 1, a: '<' }] } },
  { name: 'enum ok object', doc: { b: 1, a: 2 }, schema: { enum: [{ a: 2, b: 1 }] } },
  { name: 'enum nested field', doc: { p: { q: 3 } }, schema: { properties: { p: { properties: { q: { enum: [1, 2] } } } } } },
  { name: 'enum null', doc: 'null', schema: { enum: [null, 'x'] } },
  { name: 'enum unicode escapes', doc: text('a'), schema: { enum: ['\u2028', 'tab\tnew\nline', 'é', '\u0001', '\u007f'] } },
  { name: 'enum empty', doc: text('a'), schema: { enum: [] } },
  // --- combinators
  { name: 'anyOf fail', doc: text(5), schema: { anyOf: [{ type: 'string' }, { type: 'object' }] } },
  { name: 'anyOf ok', doc: text(5), schema: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
  { name: 'anyOf best by score', doc: { a: 1, b: 2 }, schema: { anyOf: [{ required: ['x', 'y', 'z'] }, { properties: { a: { type: 'string' } } }] } },
  { name: 'anyOf tie keeps first', doc: { a: 1 }, schema: { anyOf: [{ required: ['x'] }, { required: ['y'] }] } },
  { name: 'oneOf none', doc: text(5), schema: { oneOf: [{ type: 'string' }, { minimum: 10 }] } },
  { name: 'oneOf two', doc: text(5), schema: { oneOf: [{ type: 'integer' }, { minimum: 1 }] } },
  { name: 'oneOf one', doc: text(5), schema: { oneOf: [{ type: 'integer' }, { type: 'string' }] } },
  { name: 'allOf', doc: text(5), schema: { allOf: [{ type: 'integer' }, { minimum: 10 }, { maximum: 2 }] } },
  { name: 'not', doc: text(5), schema: { not: { type: 'integer' } } },
  { name: 'not ok', doc: text('x'), schema: { not: { type: 'integer' } } },
  { name: 'if then', doc: { a: 1 }, schema: { if: { required: ['a'] }, then: { required: ['b'] }, else: { required: ['c'] } } },
  { name: 'if else', doc: { z: 1 }, schema: { if: { required: ['a'] }, then: { required: ['b'] }, else: { required: ['c'] } } },
  { name: 'if without then', doc: { z: 1 }, schema: { if: { required: ['a'] } } },
  { name: 'draft6 ignores if', doc: { z: 1 }, schema: { $schema: D6, if: { required: ['a'] }, else: { required: ['c'] } } },
  { name: 'draft4 ignores const', doc: text(1), schema: { $schema: D4, const: 2 } },
  { name: 'draft4 ignores contains', doc: [1], schema: { $schema: D4, contains: { type: 'string' } } },
  { name: 'draft4 ignores propertyNames', doc: { abc: 1 }, schema: { $schema: D4, propertyNames: { maxLength: 1 } } },
  { name: 'draft6 const', doc: text(1), schema: { $schema: D6, const: 2 } },
  {
    name: 'errors in order of checks',
    doc: { a: 1 },
    schema: { anyOf: [{ type: 'string' }], required: ['b'], minProperties: 3, enum: [1], properties: { a: { type: 'string' } } },
  },
  {
    name: 'nested anyOf oneOf',
    doc: { a: [1, 'x', null] },
    schema: { properties: { a: { items: { anyOf: [{ type: 'integer' }, { oneOf: [{ type: 'string' }, { type: 'boolean' }] }] } } } },
  },
  // --- $ref / $id / definitions
  { name: 'ref definitions', doc: { a: 'x' }, schema: { definitions: { s: { type: 'integer' } }, properties: { a: { $ref: '#/definitions/s' } } } },
  { name: 'ref siblings ignored', doc: text('x'), schema: { definitions: { s: { type: 'string' } }, $ref: '#/definitions/s', maxLength: 0 } },
  {
    name: 'ref reused siblings ignored',
    doc: { a: 'xx', b: 'xx' },
    schema: {
      definitions: { s: { type: 'string' } },
      properties: { a: { $ref: '#/definitions/s', maxLength: 1 }, b: { $ref: '#/definitions/s', maxLength: 1 } },
    },
  },
  {
    name: 'recursive ref tree',
    doc: { v: 1, children: [{ v: 2, children: [{ v: 'x' }] }] },
    schema: {
      definitions: { node: { type: 'object', properties: { v: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/definitions/node' } } } } },
      $ref: '#/definitions/node',
    },
  },
  { name: 'ref to root recursion', doc: { a: { a: { a: 5 } } }, schema: { type: 'object', properties: { a: { $ref: '#' } } } },
  {
    name: 'ref escaped pointer',
    doc: text(1),
    schema: { definitions: { 'a/b': { type: 'string' }, 'c~d': { type: 'integer' } }, allOf: [{ $ref: '#/definitions/a~1b' }, { $ref: '#/definitions/c~0d' }] },
  },
  { name: 'ref percent pointer', doc: text(1), schema: { definitions: { 'a b': { type: 'string' } }, $ref: '#/definitions/a%20b' } },
  { name: 'ref array index', doc: text(1), schema: { allOf: [{ type: 'string' }], not: { $ref: '#/allOf/0' } } },
  {
    name: 'ref by $id',
    doc: { x: 5 },
    schema: { $id: 'http://example.com/root.json', definitions: { a: { $id: 'item.json', type: 'string' } }, properties: { x: { $ref: 'item.json' } } },
  },
  {
    name: 'ref by $id with pointer',
    doc: { x: 5 },
    schema: {
      $id: 'http://example.com/root.json',
      definitions: { a: { $id: 'other.json', definitions: { b: { type: 'boolean' } } } },
      properties: { x: { $ref: 'other.json#/definitions/b' } },
    },
  },
  { name: 'ref plain-name fragment resolves to root', doc: { x: 5 }, schema: { type: 'object', properties: { x: { $ref: '#nope' } } } },
  {
    name: 'draft4 id',
    doc: { x: 5 },
    schema: { $schema: D4, id: 'http://example.com/r.json', definitions: { a: { id: 'a.json', type: 'string' } }, properties: { x: { $ref: 'a.json' } } },
  },
  { name: 'location-independent $id', doc: { x: 5 }, schema: { definitions: { a: { $id: '#foo', type: 'string' } }, properties: { x: { $ref: '#foo' } } } },
  {
    name: 'nested $id base for refs',
    doc: { x: 5 },
    schema: {
      $id: 'http://example.com/a/root.json',
      definitions: { d: { $id: 'sub/', definitions: { e: { $id: 'leaf.json', type: 'null' } } } },
      properties: { x: { $ref: 'sub/leaf.json' } },
    },
  },
  { name: 'ref with query not found', doc: {}, schema: { $ref: 'http://example.com/x?y#/a' } },
  { name: 'definitions bool', doc: { x: 5 }, schema: { definitions: { f: false }, properties: { x: { $ref: '#/definitions/f' } } } },
  // --- formats
  ...[
    '2024-01-02T03:04:05Z',
    '2024-01-02T03:04:05.123456789+01:00',
    '2024-01-02T03:04:05,5Z',
    '2024-01-02',
    '03:04:05',
    '03:04:05Z',
    '3:04:05',
    '2024-02-30',
    '2024-02-29',
    '2023-02-29',
    '2024-01-02T24:00:00Z',
    '2024-01-02T03:04:05',
    '2024-01-02t03:04:05Z',
    '2024-01-02T03:04:60Z',
    '2024-01-02T03:04:05+25:00',
    '2024-01-02T03:04:05+24:00',
    '2024-1-02',
    '20240102',
    '',
    ' 2024-01-02',
    '2024-01-02T03:04:05.Z',
  ].map((s) => ({ name: `date-time ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'date-time' } })),
  ...['2024-01-02', '2024-13-01', '0000-02-29', '1900-02-29', '2024-01-02T00:00:00Z'].map((s) => ({
    name: `date ${s}`,
    doc: text(s),
    schema: { format: 'date' },
  })),
  ...['03:04:05', '03:04:05Z', '03:04:05.5-07:00', '3:4:5', '23:59:59+00:00', '24:00:00'].map((s) => ({
    name: `time ${s}`,
    doc: text(s),
    schema: { format: 'time' },
  })),
  ...[
    'a@b.c',
    'Alice <alice@example.com>',
    'alice@[127.0.0.1]',
    '"quoted local"@example.com',
    'no-at-sign',
    'a@b@c',
    'a..b@c',
    '.a@b',
    'a@b.',
    '<a@b>',
    'a@b (comment)',
    'Group: a@b;',
    'Group: a@b, c@d;',
    '=?utf-8?q?J=C3=B6rg?= <j@x.org>',
    '=?x-unknown?q?abc?= <j@x.org>',
    'a (x) <a@b>',
    'a@b,c@d',
    '',
    ' a@b ',
    'ünï@cödé.example',
  ].map((s) => ({ name: `email ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'email' } })),
  { name: 'idn-email', doc: text('x y'), schema: { format: 'idn-email' } },
  ...['127.0.0.1', '256.0.0.1', '01.2.3.4', '1.2.3', '::1', '::ffff:1.2.3.4', 'fe80::1%eth0', '1::2::3', 'x'].flatMap((s) => [
    { name: `ipv4 ${s}`, doc: text(s), schema: { format: 'ipv4' } },
    { name: `ipv6 ${s}`, doc: text(s), schema: { format: 'ipv6' } },
  ]),
  ...['example.com', 'a-b.c', '-a.com', 'a..b', 'a'.repeat(64), `${'a.'.repeat(127)}a`, 'ex_ample.com', ''].map((s) => ({
    name: `hostname ${s.slice(0, 20)}`,
    doc: text(s),
    schema: { format: 'hostname' },
  })),
  ...[
    'https://example.com/a?b#c',
    'urn:isbn:123',
    'relative/path',
    '//host/path',
    'http://[::1]:80/',
    'http://[1.2.3.4]/',
    'http://a b',
    'http://x/%zz',
    'http://x:y/',
    'http://a:1:2/',
    'ftp://a:1:2/',
    'mailto:a@b',
    ':nope',
    'a:b',
    'C:\\path',
    'http://example.com/\u0001',
    'https://ünï.example/ä',
    '#frag',
    '',
    'http://[::1',
    'pkg:oci/x@sha256:abc?repository_url=quay.io/x',
    'git+https://github.com/org/repo.git@abc',
    'http://user:pa ss@host/',
    'http://%41/',
    'http://h/#%zz',
  ].flatMap((s) => [
    { name: `uri ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'uri' } },
    { name: `uri-reference ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'uri-reference' } },
  ]),
  { name: 'iri', doc: text('relative'), schema: { format: 'iri' } },
  { name: 'iri-reference', doc: text('http://x/%zz'), schema: { format: 'iri-reference' } },
  ...['http://example.com/{id}', 'http://example.com/{id', '/{a}{b}/{c', '/a}b'].map((s) => ({
    name: `uri-template ${s}`,
    doc: text(s),
    schema: { format: 'uri-template' },
  })),
  ...['123e4567-e89b-12d3-a456-426614174000', '123E4567-E89B-12D3-A456-426614174000', '123e4567e89b12d3a456426614174000'].map((s) => ({
    name: `uuid ${s}`,
    doc: text(s),
    schema: { format: 'uuid' },
  })),
  ...['^a+$', '', '(', 'a{2,1}', '[z-a]', '\\d+'].map((s) => ({ name: `regex ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'regex' } })),
  ...['', '/a/b', '/a~0b/c~1d', 'a/b', '/a~2'].map((s) => ({ name: `json-pointer ${JSON.stringify(s)}`, doc: text(s), schema: { format: 'json-pointer' } })),
  ...['0', '1/a', '2#', '01/a', '-1'].map((s) => ({ name: `relative-json-pointer ${s}`, doc: text(s), schema: { format: 'relative-json-pointer' } })),
  { name: 'unknown format passes', doc: text('anything'), schema: { format: 'semverv' } },
  { name: 'format on non-string', doc: text(5), schema: { format: 'date-time' } },
  // --- argument forms
  { name: 'document as JSON text object', doc: '{"a": 1}', schema: { properties: { a: { type: 'string' } } } },
  { name: 'schema as JSON text', doc: { a: 1 }, schema: '{"properties": {"a": {"type": "string"}}}' },
  { name: 'document array', doc: [1, 2], schema: { type: 'array', items: { type: 'string' } } },
  { name: 'document number invalid argument', doc: 5, schema: {} },
  { name: 'document boolean invalid argument', doc: true, schema: {} },
  { name: 'document null invalid argument', doc: null, schema: {} },
  { name: 'document invalid JSON text', doc: 'not json', schema: {} },
  { name: 'schema invalid JSON text', doc: {}, schema: '{' },
  { name: 'schema number invalid argument', doc: {}, schema: 5 },
  { name: 'schema array', doc: {}, schema: [] },
  { name: 'schema JSON text number', doc: {}, schema: '5' },
  { name: 'schema that does not compile', doc: {}, schema: { type: 5 } },
  { name: 'remote ref', doc: {}, schema: { $ref: 'http://127.0.0.1:9/never.json' } },
  { name: 'unknown $schema is hybrid', doc: text(1), schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', minimum: 1, exclusiveMinimum: true } },
  // --- the release policy's schemas (equivalents written for this table)
  { name: 'rule data: string list ok', doc: ['quay.io/', 'registry.redhat.io/'], schema: stringList() },
  { name: 'rule data: string list errors', doc: ['a', 'a', 3], schema: stringList() },
  { name: 'rule data: string list empty', doc: [], schema: stringList() },
  { name: 'rule data: string list wrong type', doc: { a: 1 }, schema: stringList() },
  { name: 'rpm signature result', doc: text({ keys: { abc: 1, def: 'x' } }), schema: rpmResult() },
  {
    name: 'trusted tasks',
    doc: { 'oci://quay.io/t': [{ ref: 'sha256:1', effective_on: 5, extra: true }], 'oci://b': [] },
    schema: trustedTasks(),
    unordered: true,
  },
  { name: 'required tasks ok', doc: [{ effective_on: '2024-01-01T00:00:00Z', tasks: ['a', ['b', 'c']] }], schema: requiredTasks() },
  { name: 'required tasks errors', doc: [{ tasks: ['a', 'a', [], 5] }, { effective_on: 1, tasks: [] }], schema: requiredTasks(), unordered: true },
  {
    name: 'trusted task rules',
    doc: { allow: { g: [{ pattern: 'quay.io/x', effective_on: 'tomorrow' }, { versions: [1] }] }, other: 1 },
    schema: trustedTaskRules(),
    unordered: true,
  },
  {
    name: 'task expiry days',
    doc: { task_expiry_warning_days: -1 },
    schema: { $schema: D7, type: 'object', properties: { task_expiry_warning_days: { type: 'integer', minimum: 0 } } },
  },
  { name: 'cyclonedx-like ok', doc: cdxDocument(), schema: cdxLikeSchema() },
  { name: 'cyclonedx-like errors', doc: cdxBroken(), schema: cdxLikeSchema(), unordered: true },
];

function stringList(): unknown {
  return { $schema: D7, type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1 };
}

function rpmResult(): unknown {
  return {
    $schema: D7,
    type: 'object',
    properties: { keys: { type: 'object', patternProperties: { '.*': { type: 'integer' } } } },
    additionalProperties: true,
  };
}

function trustedTasks(): unknown {
  const entry = {
    type: 'object',
    properties: { effective_on: { type: 'string' }, expires_on: { type: 'string' }, ref: { type: 'string' } },
    required: ['ref'],
    additionalProperties: false,
  };
  return { $schema: D7, type: 'object', patternProperties: { '.*': { type: 'array', items: entry, minItems: 1 } } };
}

function requiredTasks(): unknown {
  const task = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1 }] };
  return {
    $schema: D7,
    type: 'array',
    items: {
      type: 'object',
      properties: { effective_on: { type: 'string' }, tasks: { type: 'array', uniqueItems: true, items: task, minItems: 1 } },
      required: ['effective_on', 'tasks'],
    },
    uniqueItems: true,
  };
}

function trustedTaskRules(): unknown {
  const entry = {
    type: 'object',
    required: ['pattern'],
    properties: {
      pattern: { type: 'string', pattern: '^(oci://|git\\+)' },
      effective_on: { type: 'string', format: 'date-time' },
      message: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: true,
  };
  const group = { type: 'object', additionalProperties: { type: 'array', items: entry } };
  return {
    $schema: D7,
    $id: 'https://example.com/schemas/rules.json',
    title: 'Rules',
    description: 'Allow and deny rules',
    type: 'object',
    properties: { allow: group, deny: group },
    additionalProperties: false,
  };
}

/** A miniature of the CycloneDX schema's structure: `$id`s, nested documents by `$id`, refs, patterns, formats. */
function cdxLikeSchema(): unknown {
  return {
    $schema: D7,
    $id: 'http://example.org/schema/bom.schema.json',
    type: 'object',
    required: ['bomFormat', 'specVersion'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', enum: ['http://example.org/schema/bom.schema.json'] },
      bomFormat: { type: 'string', enum: ['CycloneDX'] },
      specVersion: { type: 'string' },
      serialNumber: { type: 'string', pattern: '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
      version: { type: 'integer', minimum: 1 },
      metadata: { $ref: '#/definitions/metadata' },
      components: { type: 'array', items: { $ref: '#/definitions/component' }, uniqueItems: true },
      signature: { $ref: 'jsf.schema.json#/definitions/signature' },
    },
    definitions: {
      refType: { type: 'string', minLength: 1 },
      metadata: {
        type: 'object',
        additionalProperties: false,
        properties: { timestamp: { type: 'string', format: 'date-time' }, authors: { type: 'array', items: { $ref: '#/definitions/contact' } } },
      },
      contact: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, email: { type: 'string', format: 'idn-email' } } },
      hash: {
        type: 'object',
        required: ['alg', 'content'],
        additionalProperties: false,
        properties: { alg: { enum: ['MD5', 'SHA-1', 'SHA-256'] }, content: { type: 'string', pattern: '^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64})$' } },
      },
      license: {
        type: 'object',
        oneOf: [{ required: ['id'] }, { required: ['name'] }],
        properties: { id: { $ref: 'spdx.schema.json' }, name: { type: 'string' }, url: { type: 'string', format: 'iri-reference' } },
      },
      licenseChoice: {
        type: 'array',
        items: {
          oneOf: [
            { type: 'object', required: ['license'], properties: { license: { $ref: '#/definitions/license' } } },
            { type: 'object', required: ['expression'], properties: { expression: { type: 'string' } } },
          ],
        },
      },
      component: {
        type: 'object',
        required: ['type', 'name'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['application', 'library', 'container', 'file'] },
          'bom-ref': { $ref: '#/definitions/refType' },
          name: { type: 'string' },
          version: { type: 'string' },
          purl: { type: 'string' },
          hashes: { type: 'array', items: { $ref: '#/definitions/hash' } },
          licenses: { $ref: '#/definitions/licenseChoice' },
          externalReferences: {
            type: 'array',
            items: {
              type: 'object',
              required: ['url', 'type'],
              properties: {
                url: {
                  anyOf: [
                    { type: 'string', format: 'iri-reference' },
                    { type: 'string', pattern: '^urn:cdx:' },
                  ],
                },
                type: { enum: ['vcs', 'website', 'other'] },
              },
            },
          },
          components: { type: 'array', items: { $ref: '#/definitions/component' }, uniqueItems: true },
          properties: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } } },
        },
      },
      spdx: { $schema: D7, $id: 'http://example.org/schema/spdx.schema.json', type: 'string', enum: ['Apache-2.0', 'MIT', 'GPL-2.0-only'] },
      jsf: {
        $schema: D7,
        $id: 'http://example.org/schema/jsf.schema.json',
        definitions: {
          signature: {
            type: 'object',
            oneOf: [{ required: ['signers'] }, { required: ['chain'] }, { required: ['algorithm', 'value'] }],
            properties: { algorithm: { type: 'string' }, value: { type: 'string' } },
          },
        },
      },
    },
  };
}

function cdxDocument(): unknown {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: { timestamp: '2024-05-01T10:00:00Z', authors: [{ name: 'a', email: 'a@example.com' }] },
    components: [
      {
        type: 'library',
        name: 'openssl',
        version: '3.0.7',
        purl: 'pkg:rpm/redhat/openssl@3.0.7?arch=x86_64',
        hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }],
        licenses: [{ license: { id: 'Apache-2.0' } }, { expression: 'MIT OR Apache-2.0' }],
        externalReferences: [{ url: 'https://github.com/openssl/openssl', type: 'vcs' }],
        components: [{ type: 'file', name: 'libssl.so' }],
      },
    ],
    signature: { algorithm: 'ES256', value: 'abc' },
  };
}

function cdxBroken(): unknown {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:NOT-A-UUID',
    version: 0,
    metadata: { timestamp: 'yesterday', authors: [{ name: 'a', email: 'not an email', phone: '1' }] },
    components: [
      { type: 'lib', name: 'x', hashes: [{ alg: 'SHA-512', content: 'xyz' }], licenses: [{ license: { id: 'BSD' } }, { license: {} }, { nothing: 1 }] },
      { type: 'library', name: 'y', externalReferences: [{ url: 'http://[::1', type: 'vcs' }], components: [{ name: 'no type', 'bom-ref': '' }] },
      { type: 'library', name: 'y', externalReferences: [{ url: 'http://[::1', type: 'vcs' }], components: [{ name: 'no type', 'bom-ref': '' }] },
    ],
    signature: { algorithm: 'ES256' },
    extra: true,
  };
}

/**
 * Where vouch answers differently on purpose: its own answer, and why (docs/compatibility.md).
 * opa runs with ec's capabilities (no network host allowed), so only these remain.
 */
export interface Deliberate {
  vouch: unknown;
  why: string;
}

/** Schemas for json.verify_schema alone: every compile error gojsonschema has, and valid ones. */
export const VERIFY_CASES: { name: string; schema: unknown; differs?: Deliberate }[] = [
  { name: 'empty', schema: {} },
  { name: 'true', schema: true },
  { name: 'false', schema: false },
  { name: 'JSON text', schema: '{"type": "string"}' },
  { name: 'invalid JSON text', schema: '{"type": ' },
  { name: 'number argument', schema: 5 },
  { name: 'null argument', schema: null },
  { name: 'array', schema: [{}] },
  { name: 'JSON text string', schema: '"abc"' },
  { name: 'type unknown', schema: { type: 'foo' } },
  { name: 'type duplicated', schema: { type: ['string', 'string'] } },
  { name: 'type number', schema: { type: 5 } },
  { name: 'type list with number', schema: { type: ['string', 5] } },
  { name: 'title not string', schema: { title: 5 } },
  { name: 'description not string', schema: { description: [] } },
  { name: '$schema not string', schema: { $schema: 5 } },
  { name: '$schema bad url', schema: { $schema: '%zz' } },
  { name: '$id not string', schema: { $id: 5 } },
  { name: '$id bad url', schema: { $id: 'http://x/%zz' } },
  { name: 'draft4 id bad', schema: { $schema: D4, id: 5 } },
  { name: '$ref not string', schema: { $ref: 5 } },
  { name: '$ref bad url', schema: { $ref: ':x' } },
  { name: '$ref missing definition', schema: { $ref: '#/definitions/nope' } },
  { name: '$ref bad array index', schema: { allOf: [{}], not: { $ref: '#/allOf/x' } } },
  { name: '$ref array out of bounds', schema: { allOf: [{}], not: { $ref: '#/allOf/3' } } },
  { name: '$ref through a scalar', schema: { title: 't', not: { $ref: '#/title/x' } } },
  { name: '$ref to a non-schema', schema: { title: 't', not: { $ref: '#/title' } } },
  { name: '$ref relative not canonical', schema: { $ref: 'other.json' } },
  { name: '$ref remote', schema: { $ref: 'https://127.0.0.1:9/x.json#/a' } },
  { name: '$ref cycle compiles', schema: { $ref: '#' } },
  { name: '$ref mutual cycle compiles', schema: { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' } },
  { name: 'duplicate $id', schema: { definitions: { a: { $id: 'http://x/a' }, b: { $id: 'http://x/a' } } } },
  { name: 'definitions not object', schema: { definitions: [] } },
  { name: 'definitions entry not schema', schema: { definitions: { a: 5 } } },
  { name: 'draft4 boolean subschema', schema: { $schema: D4, properties: { a: true } } },
  { name: 'properties not object', schema: { properties: [] } },
  { name: 'property not schema', schema: { properties: { a: 5 } } },
  { name: 'additionalProperties wrong', schema: { additionalProperties: 5 } },
  { name: 'patternProperties wrong', schema: { patternProperties: [] } },
  { name: 'patternProperties bad regex', schema: { patternProperties: { '(': {} } } },
  { name: 'patternProperties lookahead', schema: { patternProperties: { '^(?!x)': {} } } },
  { name: 'propertyNames wrong', schema: { propertyNames: 5 } },
  { name: 'dependencies wrong', schema: { dependencies: 5 } },
  { name: 'dependency list wrong', schema: { dependencies: { a: [1] } } },
  { name: 'dependency wrong', schema: { dependencies: { a: 5 } } },
  { name: 'items wrong', schema: { items: 5 } },
  { name: 'items list entry wrong', schema: { items: [{}, 5] } },
  { name: 'additionalItems wrong', schema: { additionalItems: 'x' } },
  { name: 'multipleOf zero', schema: { multipleOf: 0 } },
  { name: 'multipleOf string', schema: { multipleOf: 'x' } },
  { name: 'minimum string', schema: { minimum: '1' } },
  { name: 'maximum null', schema: { maximum: null } },
  { name: 'draft4 exclusiveMinimum number', schema: { $schema: D4, minimum: 1, exclusiveMinimum: 1 } },
  { name: 'draft4 exclusiveMaximum without maximum', schema: { $schema: D4, exclusiveMaximum: true } },
  { name: 'hybrid exclusiveMinimum without minimum', schema: { exclusiveMinimum: true } },
  { name: 'hybrid exclusiveMaximum string', schema: { exclusiveMaximum: 'x' } },
  { name: 'draft6 exclusiveMinimum bool', schema: { $schema: D6, exclusiveMinimum: true } },
  { name: 'minLength float', schema: { minLength: 1.5 } },
  { name: 'minLength negative', schema: { minLength: -1 } },
  { name: 'maxLength string', schema: { maxLength: '1' } },
  { name: 'minLength over maxLength', schema: { minLength: 3, maxLength: 2 } },
  { name: 'pattern not string', schema: { pattern: 5 } },
  { name: 'pattern invalid', schema: { pattern: '(' } },
  { name: 'pattern backreference', schema: { pattern: '(a)\\1' } },
  { name: 'pattern lookbehind', schema: { pattern: '(?<=a)b' } },
  { name: 'pattern possessive', schema: { pattern: 'a++' } },
  { name: 'pattern valid RE2 with nested repetition', schema: { pattern: '^[a-z]+(?:-[a-z]+)*$' } },
  { name: 'pattern valid RE2', schema: { pattern: '^[a-z]+-[a-z0-9]*$' } },
  {
    name: '$ref to a local file',
    schema: { $ref: 'file:///etc/hostname' },
    differs: {
      vouch: [false, 'jsonschema: remote reference loading disabled: file:///etc/hostname'],
      why: 'gojsonschema reads file:// references from disk, even under ec; vouch never reads a file a schema names',
    },
  },
  {
    name: '$ref to a draft-07 meta-schema',
    schema: { properties: { s: { $ref: 'http://json-schema.org/draft-07/schema#' } } },
    differs: {
      vouch: [false, 'jsonschema: remote reference loading disabled: http://json-schema.org/draft-07/schema'],
      why: 'gojsonschema serves the draft 4/6/7 meta-schemas from memory; vouch does not carry them',
    },
  },
  { name: 'format not string', schema: { format: 5 } },
  { name: 'minProperties negative', schema: { minProperties: -1 } },
  { name: 'minProperties over max', schema: { minProperties: 3, maxProperties: 1 } },
  { name: 'required not array', schema: { required: 'a' } },
  { name: 'required not strings', schema: { required: [1] } },
  { name: 'required duplicate', schema: { required: ['a', 'a'] } },
  { name: 'minItems string', schema: { minItems: 'x' } },
  { name: 'minItems over maxItems ok', schema: { minItems: 3, maxItems: 1 } },
  { name: 'uniqueItems not boolean', schema: { uniqueItems: 1 } },
  { name: 'contains wrong', schema: { contains: 5 } },
  { name: 'enum not array', schema: { enum: 'a' } },
  { name: 'enum duplicate', schema: { enum: [1, 1.0] } },
  {
    name: 'enum duplicate objects',
    schema: {
      enum: [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
    },
  },
  { name: 'oneOf not array', schema: { oneOf: {} } },
  { name: 'anyOf entry wrong', schema: { anyOf: [5] } },
  { name: 'allOf entry wrong', schema: { allOf: ['x'] } },
  { name: 'not wrong', schema: { not: 5 } },
  { name: 'if wrong', schema: { if: 5 } },
  { name: 'then wrong draft6 ignored', schema: { $schema: D6, then: 5 } },
  { name: 'rule data schemas compile', schema: trustedTaskRules() },
  { name: 'cyclonedx-like compiles', schema: cdxLikeSchema() },
];
