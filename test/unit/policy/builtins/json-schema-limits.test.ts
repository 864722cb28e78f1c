// What vouch does where OPA has no answer to compare with: Go overflows its stack on a `$ref`
// cycle that consumes no input (ec crashes), takes exponential time on nested anyOf/oneOf, and
// fetches or reads what a `$ref` names. Hand-made hostile schemas and documents; none can be
// produced by a real tool because no real tool survives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchSchema, verifySchema } from '../../../../src/policy/builtins/json-schema.ts';
import { MAX_NESTING } from '../../../../src/policy/builtins/json-schema/value.ts';
import { withinCpu } from '../../../support/cpu-time.ts';

function limitOf(answer: ReturnType<typeof matchSchema>): string {
  assert.ok(answer, 'a failed match, not undefined');
  assert.equal(answer[0], false, 'never a pass');
  assert.equal(answer[1].length, 1);
  assert.equal(answer[1][0]!.type, 'validation_limit');
  assert.equal(answer[1][0]!.field, '(Root)');
  return answer[1][0]!.desc;
}

test('a $ref cycle that consumes nothing fails the match at once (Go overflows its stack)', () => {
  const cycles: unknown[] = [
    { $ref: '#' },
    { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' },
    { definitions: { a: { allOf: [{ $ref: '#/definitions/a' }] } }, properties: { x: { $ref: '#/definitions/a' } } },
    { definitions: { a: { anyOf: [{ type: 'string' }, { not: { $ref: '#/definitions/a' } }] } }, $ref: '#/definitions/a' },
    { dependencies: { k: { $ref: '#' } } },
  ];
  for (const schema of cycles) {
    assert.deepEqual(verifySchema(schema), [true, null], 'gojsonschema compiles it');
    const desc = limitOf(matchSchema({ x: 1, k: 1 }, schema));
    assert.match(desc, /refers back to itself/);
  }
});

test('recursion that follows the document is not a cycle', () => {
  const tree = { definitions: { n: { type: 'object', properties: { c: { type: 'array', items: { $ref: '#/definitions/n' } } } } }, $ref: '#/definitions/n' };
  let doc: unknown = {};
  for (let i = 0; i < 100; i++) doc = { c: [doc] };
  assert.deepEqual(matchSchema(doc, tree), [true, []]);
});

test('nested anyOf that would take exponential time stops at the step budget, failing', () => {
  // Each level applies the one below twice: 2^40 applications for a schema of 40 definitions.
  const definitions: Record<string, unknown> = { l0: { type: 'string' } };
  for (let i = 1; i <= 40; i++) {
    const below = { $ref: `#/definitions/l${i - 1}` };
    definitions[`l${i}`] = { anyOf: [{ allOf: [below, { minimum: 1 }] }, { allOf: [below, { maximum: 0 }] }] };
  }
  const desc = withinCpu(20_000, '2^40 applications', () => limitOf(matchSchema('5', { definitions, $ref: '#/definitions/l40' })));
  assert.match(desc, /^Validation stopped after 1000200 steps$/);
});

test('an argument that expands to millions of values (a shared object graph) is refused, not walked', () => {
  let shared: unknown = { type: 'string' };
  for (let i = 0; i < 40; i++) shared = { anyOf: [shared, shared] };
  withinCpu(20_000, 'a shared object graph', () => {
    assert.deepEqual(verifySchema(shared), [false, 'jsonschema: more than 2000000 values']);
    assert.match(limitOf(matchSchema(shared, {})), /more than 2000000 values/);
  });
});

test('documents deeper than vouch reads fail the match; schemas that deep do not compile', () => {
  let doc: unknown = 1;
  for (let i = 0; i < MAX_NESTING + 5; i++) doc = [doc];
  assert.match(limitOf(matchSchema(doc, {})), /nesting deeper than 512 levels/);
  assert.match(limitOf(matchSchema(JSON.stringify(doc), {})), /nesting deeper than 512 levels/);
  let schema: unknown = {};
  for (let i = 0; i < MAX_NESTING + 5; i++) schema = { items: schema };
  assert.equal(matchSchema([], schema), undefined);
  assert.match(verifySchema(schema)[1]!, /^jsonschema: .*nesting deeper than 512 levels/);
});

test('a document at the nesting limit is validated to the bottom', () => {
  let doc: unknown = 'leaf';
  let schema: unknown = { type: 'integer' };
  for (let i = 0; i < MAX_NESTING - 1; i++) {
    doc = [doc];
    schema = { items: schema };
  }
  const answer = matchSchema(doc, schema);
  assert.ok(answer && !answer[0]);
  assert.equal(answer[1][0]!.type, 'invalid_type');
  assert.equal(answer[1][0]!.field.split('.').length, MAX_NESTING - 1);
});

test('no $ref leaves the schema: network, files and meta-schemas all fail to compile', () => {
  for (const ref of ['http://127.0.0.1:1/x.json', 'https://example.com/s.json#/a', 'file:///etc/passwd', 'http://json-schema.org/draft-07/schema#']) {
    const verdict = verifySchema({ properties: { a: { $ref: ref } } });
    assert.equal(verdict[0], false);
    assert.match(verdict[1]!, /^jsonschema: remote reference loading disabled: /);
    assert.equal(matchSchema({ a: 1 }, { properties: { a: { $ref: ref } } }), undefined);
  }
});

test('the builtins never throw, whatever they are given', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const odd: unknown[] = [undefined, () => 1, Symbol('x'), 10n, new Date(0), cyclic, Number.NaN, { a: Infinity }, '1e400', '\u0000', '{"a":'];
  for (const v of odd) {
    assert.doesNotThrow(() => matchSchema(v, {}));
    assert.doesNotThrow(() => matchSchema({}, v));
    assert.doesNotThrow(() => verifySchema(v));
    assert.equal(verifySchema(v)[0], false);
  }
});
