// One evaluation per component through the generated aggregate entrypoint gives exactly what
// querying each rule does, and a rule failing at run time is still named in the error.
import { NO_SIGNER } from '../../support/sigstore-opts.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/errors.ts';
import { configData, loadDataTree } from '../../../src/policy/data.ts';
import { AGGREGATE_ENTRYPOINT, aggregateModule } from '../../../src/policy/opa/aggregate.ts';
import { compilePolicy } from '../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy } from '../../../src/policy/wasm/evaluate.ts';

const policies = fileURLToPath(new URL('../../../examples/policies', import.meta.url));
const opts = NO_SIGNER;

test('the aggregate module quotes every path segment', () => {
  assert.equal(
    aggregateModule(['a/b/deny']),
    'package vouch__aggregate\n\nimport rego.v1\n\nresults["a/b/deny"] := v if {\n\tv := data["a"]["b"]["deny"]\n}\n',
  );
});

test('the example policies: aggregate results equal rule-by-rule results, on a failing and a passing input', async () => {
  const entries = (await readdir(policies, { recursive: true })).filter((e) => e.endsWith('.rego'));
  const files = await Promise.all(entries.map(async (p) => ({ path: p, text: await readFile(join(policies, p), 'utf8') })));
  const compiled = await compilePolicy(files, { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-agg-')), env: process.env });
  assert.ok(compiled.entrypoints.includes(AGGREGATE_ENTRYPOINT));
  const data = { ...(await loadDataTree([])), ...configData(Date.parse('2026-11-23T00:00:00Z') * 1e6, opts) };
  const aggregated = await loadCompiledPolicy(compiled, data);
  const oneByOne = await loadCompiledPolicy({ ...compiled, entrypoints: compiled.entrypoints.filter((e) => e !== AGGREGATE_ENTRYPOINT) }, data);
  const inputs = [
    { attestations: [], image: { ref: 'r.example/app@sha256:' + 'a'.repeat(64), signatures: [{ keyid: '', sig: 'x' }], config: { Labels: {} } } },
    {
      attestations: [
        {
          statement: {
            _type: 'https://example.com/other',
            predicateType: 'https://slsa.dev/provenance/v0.2',
            subject: [{ name: 'x', digest: { sha1: '1' } }],
            predicate: { builder: { id: 'https://evil.example' }, materials: [{ uri: 'https://evil.example/x', digest: {} }] },
          },
          signatures: [],
        },
      ],
      image: { ref: 'r.example/app@sha256:' + 'b'.repeat(64), parent: { ref: 'docker.io/evil/base@sha256:1' } },
    },
  ];
  for (const input of inputs) {
    const a = aggregated.evaluate(input);
    assert.deepEqual(a, oneByOne.evaluate(input));
    assert.ok(
      a.some((o) => o.results.length > 0),
      'some rule fired',
    );
  }
});

test('a rule failing at run time is named, as it is when rules are queried one by one', async () => {
  const text = 'package acme\n\nimport rego.v1\n\nx := 1 if input.a\n\nx := 2 if input.a\n\ndeny contains "boom" if x == 1\n\nwarn contains "fine" if true\n';
  const compiled = await compilePolicy([{ path: 'acme.rego', text }], { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-agg-')), env: process.env });
  const loaded = await loadCompiledPolicy(compiled, {});
  assert.deepEqual(
    loaded.evaluate({ a: false }).map((o) => [o.rule, o.results.length]),
    [
      ['deny', 0],
      ['warn', 1],
    ],
  );
  assert.throws(
    () => loaded.evaluate({ a: true }),
    (e: unknown) => e instanceof InputError && e.code === 'POLICY_EVALUATION' && /^evaluating acme\.deny failed/.test(e.message),
  );
});
