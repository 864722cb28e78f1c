// json.match_schema and json.verify_schema get documents from attestations and SBOMs (attacker
// controlled) and schemas from policy data: on any input they answer — never throw — with a
// well-formed result, in bounded time, including for schemas built from nested anyOf/oneOf/allOf
// and $ref chains that make naive validation exponential.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchSchema, verifySchema } from '../../../../src/policy/builtins/json-schema.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';
import { withinCpu } from '../../../support/cpu-time.ts';

/** Per-call bound: the step budget stops runaway validation within a few seconds on any machine. */
const MAX_MS = 10_000;

function checkAnswer(answer: ReturnType<typeof matchSchema>): void {
  if (answer === undefined) return;
  const [valid, errors] = answer;
  assert.equal(typeof valid, 'boolean');
  assert.equal(valid, errors.length === 0, 'valid exactly when there are no errors');
  for (const e of errors) {
    assert.equal(typeof e.type, 'string');
    assert.equal(e.error, `${e.field}: ${e.desc}`);
  }
}

function timed<T>(f: () => T): T {
  return withinCpu(MAX_MS, 'a schema match', f);
}

const keyword = fc.constantFrom(
  'type',
  'properties',
  'required',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'enum',
  'const',
  'pattern',
  'format',
  'minimum',
  'maxLength',
  'additionalProperties',
  'patternProperties',
  'dependencies',
  'if',
  'then',
  'else',
  '$ref',
  'definitions',
  'contains',
  'propertyNames',
  'uniqueItems',
  'multipleOf',
);

/** Schema-shaped values: mostly sensible keywords, any values, nested combinators and local refs. */
const schemaLike = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.record({ type: fc.constantFrom('string', 'integer', 'number', 'object', 'array', 'null', 'boolean') }),
    fc.dictionary(
      keyword,
      fc.oneof(tie('schema'), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('#', '#/definitions/a', '#/definitions/b', 'date-time', 'email', '^a.*$')),
      { maxKeys: 4 },
    ),
    fc.record({ anyOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ definitions: fc.record({ a: tie('schema'), b: tie('schema') }), $ref: fc.constantFrom('#/definitions/a', '#/definitions/b', '#') }),
  ),
})).schema;

const documentLike = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.json({ maxDepth: 4 }), fc.string(), fc.anything({ maxDepth: 2 }));

test("any document against the release policy's kind of schema: a well-formed answer in bounded time", () => {
  const schemas: unknown[] = [
    { type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1 },
    {
      type: 'object',
      patternProperties: {
        '.*': {
          type: 'array',
          items: { type: 'object', properties: { ref: { type: 'string' } }, required: ['ref'], additionalProperties: false },
          minItems: 1,
        },
      },
    },
    {
      type: 'array',
      items: {
        type: 'object',
        properties: { tasks: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } } },
        required: ['tasks'],
      },
    },
    {
      definitions: {
        c: {
          type: 'object',
          properties: {
            name: { type: 'string', format: 'idn-email' },
            t: { format: 'date-time' },
            u: { format: 'iri-reference' },
            c: { type: 'array', items: { $ref: '#/definitions/c' } },
            l: { anyOf: [{ required: ['id'] }, { required: ['name'] }] },
          },
        },
      },
      $ref: '#/definitions/c',
    },
  ];
  fuzz(
    fc.property(documentLike, fc.constantFrom(...schemas), (doc, schema) => {
      checkAnswer(timed(() => matchSchema(doc, schema)));
    }),
  );
});

test('any schema-shaped value: verify_schema and match_schema answer without throwing, in bounded time', () => {
  fuzz(
    fc.property(schemaLike, fc.jsonValue({ maxDepth: 3 }), (schema, doc) => {
      const verdict = timed(() => verifySchema(schema));
      assert.ok((verdict[0] && verdict[1] === null) || (!verdict[0] && typeof verdict[1] === 'string' && verdict[1].startsWith('jsonschema: ')));
      const answer = timed(() => matchSchema(JSON.stringify(doc), schema));
      checkAnswer(answer);
      if (!verdict[0]) assert.equal(answer, undefined, 'a schema that does not compile never matches');
    }),
  );
});

test('any string as JSON text, either argument: never throws', () => {
  fuzz(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      checkAnswer(matchSchema(a, b));
      checkAnswer(matchSchema(a, {}));
      assert.equal(verifySchema(b).length, 2);
    }),
  );
});
