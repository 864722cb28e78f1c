// The snapshot shared once per instance (src/policy/wasm/shared-input.ts) is the document a policy
// sees as `input.snapshot`: Rego compiled by the real opa compares it with the expected snapshot,
// marshals the whole input (the same text as when the full input is parsed), and mocks it with
// `with` without changing what the next component's evaluation sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy, policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { startEvaluationPool } from '../../../../src/policy/wasm/workers.ts';
import type { RawRuleOutcome } from '../../../../src/policy/types.ts';

const REGO = `package shared

import rego.v1

deny contains "input.snapshot differs from the expected document" if input.snapshot != data.expected_snapshot

deny contains "a component of the snapshot is missing" if {
\tsome c in data.expected_snapshot.components
\tnot c in input.snapshot.components
}

warn contains sprintf("input: %s", [json.marshal(input)]) if true

warn contains sprintf("mocked: %d %s", [n, app]) if {
\tn := count(input.snapshot.components) with input.snapshot.components as []
\tapp := input.snapshot.application with input.snapshot.application as "mocked-app"
}

warn contains sprintf("own: %s", [input.component_name]) if input.snapshot.components[_].name == input.component_name
`;

function snapshotOf(n: number, application = 'app'): Record<string, unknown> {
  return {
    application,
    components: Array.from({ length: n }, (_, i) => ({
      name: `c${i}`,
      containerImage: `registry.example/app${i}@sha256:${String(i).padStart(64, '0')}`,
      source: { git: { url: 'https://git.example/x', revision: 'abc' } },
    })),
    artifacts: {},
  };
}

/** ec's field order: attestations, image, snapshot, component_name, policy_spec. */
function inputOf(snapshot: Record<string, unknown>, i: number): Record<string, unknown> {
  return {
    attestations: [{ statement: { predicateType: 'https://slsa.dev/provenance/v1', predicate: { n: i } }, signatures: [] }],
    image: { ref: `registry.example/app${i}@sha256:${String(i).padStart(64, '0')}`, config: { Labels: { i: String(i) } } },
    snapshot,
    component_name: `c${i}`,
    policy_spec: { sources: [{ name: 'shared' }] },
  };
}

async function compiled(): Promise<Awaited<ReturnType<typeof compilePolicy>>> {
  return compilePolicy([{ path: 'shared.rego', text: REGO }], { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-shared-')), env: process.env });
}

const messages = (outcomes: RawRuleOutcome[]): string[] => outcomes.flatMap((o) => o.results.map((r) => `${o.rule}: ${r.msg}`)).sort();

test('the shared snapshot is the input.snapshot the policy sees: equal to the expected one, the same marshalled input, untouched by a mock', async () => {
  const snapshot = snapshotOf(30);
  const data = { expected_snapshot: snapshot };
  const policy = await loadCompiledPolicy(await compiled(), data);
  policy.shareSnapshot(JSON.stringify(snapshot));
  for (let i = 0; i < 30; i++) {
    const input = inputOf(snapshot, i);
    const full = messages(policy.evaluateJson(JSON.stringify(input)));
    const shared = messages(policy.evaluateWithSnapshot(JSON.stringify({ ...input, snapshot: null })));
    assert.deepEqual(shared, full, `component ${i}`);
    assert.ok(!shared.some((m) => m.startsWith('deny')), shared.join('\n'));
    assert.ok(shared.includes('warn: mocked: 0 mocked-app'));
    assert.ok(shared.includes(`warn: own: c${i}`));
    // The marshalled input names the snapshot's components: the policy read them.
    assert.ok(shared.some((m) => m.startsWith('warn: input: ') && m.includes(`"name":"c29"`)));
  }
});

test('without the shared snapshot the placeholder is what the policy sees: the check above can fail', async () => {
  const snapshot = snapshotOf(3);
  const policy = await loadCompiledPolicy(await compiled(), { expected_snapshot: snapshot });
  assert.throws(() => policy.evaluateWithSnapshot(JSON.stringify({ ...inputOf(snapshot, 0), snapshot: null })), /no shared snapshot/);
  policy.shareSnapshot(JSON.stringify(snapshotOf(3, 'another-app')));
  const outcomes = messages(policy.evaluateWithSnapshot(JSON.stringify({ ...inputOf(snapshot, 0), snapshot: null })));
  assert.ok(outcomes.includes('deny: input.snapshot differs from the expected document'), outcomes.join('\n'));
});

test('the worker pool sends each snapshot once and gives what a full input gives, for many components and a second snapshot', async () => {
  const program = await compiled();
  const first = snapshotOf(200);
  const second = snapshotOf(5, 'second');
  const here = await loadCompiledPolicy(program, { expected_snapshot: first });
  const pool = startEvaluationPool(2);
  try {
    await pool.load([{ ...(await policyProgram(program)), data: { expected_snapshot: first } }], new Date());
    const inputs = Array.from({ length: 40 }, (_, i) => inputOf(first, i));
    const results = await Promise.all(inputs.map((input) => pool.evaluate(input)));
    results.forEach((outcomes, i) => {
      assert.deepEqual(outcomes, [here.evaluate(inputs[i])], `component ${i}`);
      assert.ok(!messages(outcomes[0]!).some((m) => m.startsWith('deny')));
    });
    // Another snapshot object: its own document, compared with the same expectation, differs.
    const other = messages((await pool.evaluate(inputOf(second, 1)))[0]!);
    assert.ok(other.includes('deny: input.snapshot differs from the expected document'));
    assert.deepEqual(other, messages(here.evaluate(inputOf(second, 1))));
    // And the first again, on whichever worker: every worker holds the right one.
    const again = await Promise.all([0, 1, 2, 3].map((i) => pool.evaluate(inputs[i])));
    again.forEach((outcomes, i) => assert.deepEqual(outcomes, [here.evaluate(inputs[i])]));
    // An input with no snapshot object is evaluated whole, as before.
    assert.deepEqual(await pool.evaluate({ component_name: 'x' }), [here.evaluate({ component_name: 'x' })]);
  } finally {
    await pool.close();
  }
});
