// Differential: json.match_schema and json.verify_schema against the real `opa eval` (OPA's Go
// topdown + gojsonschema) over the table in json-schema-cases.ts, in one opa run. opa runs with
// the capabilities ec evaluates with: the current ones with `allow_net: [""]`, so that no schema
// reference reaches the network (conforma/cli a183384 internal/evaluator/conftest_evaluator.go,
// strictCapabilities).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jsonSchemaBuiltins, matchSchema, verifySchema } from '../../../../src/policy/builtins/json-schema.ts';
import { fc, fuzzParameters } from '../../../support/fuzz.ts';
import { toolPath } from '../../../support/tools.ts';
import { MATCH_CASES, VERIFY_CASES } from './json-schema-cases.ts';

const run = promisify(execFile);

const MODULE = `package t
import rego.v1
match[i] := json.match_schema(input.match[i].doc, input.match[i].schema) if some i, _ in input.match
verify[i] := json.verify_schema(input.verify[i].schema) if some i, _ in input.verify
random[i] := json.match_schema(input.random[i].doc, input.random[i].schema) if some i, _ in input.random
random_verify[i] := json.verify_schema(input.random[i].schema) if some i, _ in input.random
`;

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
  'maximum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
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
  'minItems',
  'maxProperties',
  'additionalItems',
);
const schemaLike = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.record({ type: fc.constantFrom('string', 'integer', 'number', 'object', 'array', 'null', 'boolean') }),
    fc.dictionary(
      keyword,
      fc.oneof(
        tie('schema'),
        fc.jsonValue({ maxDepth: 2 }),
        fc.array(tie('schema'), { maxLength: 2 }),
        fc.constantFrom('#', '#/definitions/a', 'date-time', 'email', 'uri', 'ipv4', '^a.*$', 'a', 1, 0, 2.5, -1, ['a', 'b']),
      ),
      { maxKeys: 4 },
    ),
    fc.record({ anyOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ properties: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('schema'), { maxKeys: 3 }), required: fc.subarray(['a', 'b', 'c']) }),
    fc.record({ definitions: fc.record({ a: tie('schema'), b: tie('schema') }), $ref: fc.constantFrom('#/definitions/a', '#/definitions/b') }),
  ),
})).schema;
const documentLike = fc.letrec((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('a', '', 'x@y.z', '2024-01-01T00:00:00Z', 'http://x', '1.2.3.4', 0, 1, 2.5, -3, null, true, false),
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie('doc'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('doc'), { maxKeys: 4 }),
  ),
})).doc;

/**
 * Random schema-shaped values and documents (fixed seed, as every fuzz run here), minus those vouch
 * stops on a limit: opa dies of a stack overflow on a `$ref` cycle, taking the whole batch with it.
 */
const RANDOM_CASES: { doc: string; schema: unknown }[] = fc
  .sample(fc.tuple(documentLike, schemaLike), { seed: fuzzParameters().seed, numRuns: 600 })
  .map(([doc, schema]) => ({ doc: JSON.stringify(doc), schema }))
  .filter((c) => !matchSchema(c.doc, c.schema)?.[1].some((e) => e.type === 'validation_limit'));

/** OPA's answers, keyed by case index; an absent index is an undefined (erroring) call. */
async function opaAnswers(): Promise<{
  match: Record<string, unknown>;
  verify: Record<string, unknown>;
  random: Record<string, unknown>;
  randomVerify: Record<string, unknown>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-jsonschema-'));
  try {
    await writeFile(join(dir, 't.rego'), MODULE);
    await writeFile(join(dir, 'input.json'), JSON.stringify({ match: MATCH_CASES, verify: VERIFY_CASES, random: RANDOM_CASES }));
    const { stdout: current } = await run(toolPath('opa'), ['capabilities', '--current'], { maxBuffer: 64 << 20 });
    await writeFile(join(dir, 'caps.json'), JSON.stringify({ ...(JSON.parse(current) as object), allow_net: [''] }));
    const args = ['eval', '--format', 'json', '--capabilities', join(dir, 'caps.json'), '-d', join(dir, 't.rego'), '-i', join(dir, 'input.json'), 'data.t'];
    const { stdout } = await run(toolPath('opa'), args, { maxBuffer: 64 << 20 });
    type Answers = Partial<Record<'match' | 'verify' | 'random' | 'random_verify', Record<string, unknown>>>;
    const value = (JSON.parse(stdout) as { result: { expressions: { value: Answers }[] }[] }).result[0]!.expressions[0]!.value;
    return { match: value.match ?? {}, verify: value.verify ?? {}, random: value.random ?? {}, randomVerify: value.random_verify ?? {} };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const answers = opaAnswers();

type Answer = [boolean, { error: string; type: string; field: string; desc: string }[]] | undefined;

type ErrorEntry = { error: string; type: string };
const byError = (a: ErrorEntry, b: ErrorEntry): number => (a.error + a.type < b.error + b.type ? -1 : a.error + a.type > b.error + b.type ? 1 : 0);

test('json.match_schema answers as opa eval does, case by case', async () => {
  const { match } = await answers;
  const failures: string[] = [];
  MATCH_CASES.forEach((c, i) => {
    const theirs = match[String(i)] as Answer;
    const ours = matchSchema(c.doc, c.schema);
    const comparable = (a: Answer): unknown => (a && c.unordered ? [a[0], [...a[1]].sort(byError)] : a);
    try {
      assert.deepEqual(comparable(ours), comparable(theirs));
    } catch {
      failures.push(`${c.name}\n  opa:   ${JSON.stringify(theirs)}\n  vouch: ${JSON.stringify(ours)}`);
    }
  });
  assert.equal(failures.length, 0, `${failures.length} of ${MATCH_CASES.length} differ:\n${failures.join('\n')}`);
});

test('json.verify_schema answers as opa eval does, case by case', async () => {
  const { verify } = await answers;
  const failures: string[] = [];
  VERIFY_CASES.forEach((c, i) => {
    const theirs = verify[String(i)];
    const ours = verifySchema(c.schema);
    try {
      if (c.differs) {
        assert.notDeepEqual(theirs, c.differs.vouch, 'opa answers differently, or the case is no longer a difference');
        assert.deepEqual(ours, c.differs.vouch);
      } else assert.deepEqual(ours, theirs);
    } catch {
      failures.push(`${c.name}${c.differs ? ` (deliberate: ${c.differs.why})` : ''}\n  opa:   ${JSON.stringify(theirs)}\n  vouch: ${JSON.stringify(ours)}`);
    }
  });
  assert.equal(failures.length, 0, `${failures.length} of ${VERIFY_CASES.length} differ:\n${failures.join('\n')}`);
});

test('random schemas and documents: the same answers as opa eval', async () => {
  const { random, randomVerify } = await answers;
  const failures: string[] = [];
  RANDOM_CASES.forEach((c, i) => {
    const theirs = random[String(i)] as Answer;
    const ours = matchSchema(c.doc, c.schema);
    // Errors from different keys come in Go's random map order; which of several compile errors
    // verify_schema reports first is random in Go too, so only its verdict is compared.
    const comparable = (a: Answer): unknown => a && [a[0], [...a[1]].sort(byError)];
    try {
      assert.deepEqual(comparable(ours), comparable(theirs));
      assert.equal(verifySchema(c.schema)[0], (randomVerify[String(i)] as [boolean])[0]);
    } catch {
      failures.push(
        `${JSON.stringify(c)}\n  opa:   ${JSON.stringify(theirs)} ${JSON.stringify(randomVerify[String(i)])}\n  vouch: ${JSON.stringify(ours)} ${JSON.stringify(verifySchema(c.schema))}`,
      );
    }
  });
  assert.ok(RANDOM_CASES.length > 500 && Object.keys(random).length > 300, 'most random cases are defined');
  assert.equal(failures.length, 0, `${failures.length} of ${RANDOM_CASES.length} differ:\n${failures.slice(0, 5).join('\n')}`);
});

test('the table exercises both answers of every builtin', async () => {
  const { match } = await answers;
  const values = Object.values(match) as [boolean, unknown[]][];
  assert.ok(values.some((v) => v[0]) && values.some((v) => !v[0]), 'matches and mismatches');
  assert.ok(Object.keys(match).length < MATCH_CASES.length, 'some calls are undefined');
  assert.deepEqual(Object.keys(jsonSchemaBuiltins).sort(), ['json.match_schema', 'json.verify_schema']);
});
