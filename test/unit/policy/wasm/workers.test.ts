// The evaluation worker pool, with policies compiled by the real opa: the same results as an
// instance in this thread, typed errors across threads, this thread free while a policy runs, an
// abort that stops a runaway evaluation, and workers started only as inputs wait for them.
import { NO_SIGNER } from '../../../support/sigstore-opts.ts';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, VouchError } from '../../../../src/errors.ts';
import { configData, loadDataTree } from '../../../../src/policy/data.ts';
import { compilePolicy, type RegoFile } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy, policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { startEvaluationPool } from '../../../../src/policy/wasm/workers.ts';

const policies = fileURLToPath(new URL('../../../../examples/policies', import.meta.url));
const opts = NO_SIGNER;
const compile = async (files: RegoFile[]): Promise<Awaited<ReturnType<typeof compilePolicy>>> =>
  compilePolicy(files, { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-pool-')), env: process.env });
const module = (name: string, text: string): RegoFile[] => [{ path: `${name}.rego`, text: `package ${name}\n\nimport rego.v1\n\n${text}\n` }];

test('two workers give exactly what an instance in this thread gives, for many inputs at once', async () => {
  const entries = (await readdir(policies, { recursive: true })).filter((e) => e.endsWith('.rego'));
  const compiled = await compile(await Promise.all(entries.map(async (p) => ({ path: p, text: await readFile(join(policies, p), 'utf8') }))));
  const data = { ...(await loadDataTree([])), ...configData(Date.parse('2026-11-23T00:00:00Z') * 1e6, opts) };
  const now = new Date('2026-11-23T00:00:00Z');
  const here = await loadCompiledPolicy(compiled, data, { now });
  const pool = startEvaluationPool(2);
  try {
    await pool.load([{ ...(await policyProgram(compiled)), data }], now);
    const inputs = Array.from({ length: 12 }, (_, i) => ({
      attestations: [],
      image: { ref: `r.example/app${i}@sha256:${'a'.repeat(64)}`, config: { Labels: i % 2 ? {} : { 'com.example.team': 'x' } } },
    }));
    const results = await Promise.all(inputs.map((input) => pool.evaluate(input)));
    results.forEach((outcomes, i) => assert.deepEqual(outcomes, [here.evaluate(inputs[i])]));
  } finally {
    await pool.close();
  }
});

test('errors cross threads typed: a rule failing at run time is named; a missing builtin fails the load', async () => {
  const pool = startEvaluationPool(1);
  try {
    const conflict = await compile(module('acme', 'x := 1 if input.a\n\nx := 2 if input.a\n\ndeny contains "boom" if x == 1'));
    await pool.load([{ ...(await policyProgram(conflict)), data: {} }], new Date());
    assert.deepEqual(
      (await pool.evaluate({ a: false }))[0]!.map((o) => o.results.length),
      [0],
    );
    await assert.rejects(
      pool.evaluate({ a: true }),
      (e: unknown) => e instanceof InputError && e.code === 'POLICY_EVALUATION' && /^evaluating acme\.deny failed/.test(e.message),
    );
  } finally {
    await pool.close();
  }
  const other = startEvaluationPool(1);
  const missing = await compile(module('m', 'deny contains "x" if regex.globs_match("a", "b")'));
  await assert.rejects(
    other.load([{ ...(await policyProgram(missing)), data: {} }], new Date()),
    (e: unknown) => e instanceof InputError && e.code === 'WASM_BUILTIN_MISSING',
  );
  await assert.rejects(other.evaluate({}), InputError, 'a pool whose load failed refuses to evaluate');
  await other.close();
});

test('this thread stays free while a policy runs for minutes, and an abort stops the evaluation at once', async () => {
  const loop = await compile(
    module(
      'loop',
      'deny contains "never" if {\n\tcount([1 | some a in numbers.range(1, 1000); some b in numbers.range(1, 1000); some c in numbers.range(1, 1000); a + b + c == 0]) >= 0\n}',
    ),
  );
  const controller = new AbortController();
  const pool = startEvaluationPool(1, controller.signal);
  try {
    await pool.load([{ ...(await policyProgram(loop)), data: {} }], new Date());
    const evaluation = pool.evaluate({});
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(ticker);
    assert.ok(ticks >= 10, `only ${ticks} timer ticks in a second`);
    // The loop would run for hours: the evaluation settles only because the abort does not wait for it.
    controller.abort(new VouchError('TIMEOUT', 'time is up'));
    await assert.rejects(evaluation, (e: unknown) => e instanceof VouchError && e.code === 'TIMEOUT');
    await assert.rejects(pool.evaluate({}), (e: unknown) => e instanceof VouchError && e.code === 'TIMEOUT');
  } finally {
    await pool.close();
  }
});

test('one worker starts with the pool; another only while inputs wait for a busy one, never past the size', async () => {
  const started: unknown[] = [];
  const count = (message: unknown): void => void started.push(message);
  const workers = (): number => started.length;
  // Node publishes every thread it creates on this channel (doc/api/diagnostics_channel.md, "Worker Thread").
  subscribe('worker_threads', count);
  const compiled = await compile(module('acme', 'deny contains sprintf("%d", [input.n]) if input.n > 2'));
  const here = await loadCompiledPolicy(compiled, {});
  const pool = startEvaluationPool(4);
  try {
    const program = { ...(await policyProgram(compiled)), data: {} };
    await pool.load([program], new Date());
    await assert.rejects(pool.load([program], new Date()), (e: unknown) => e instanceof VouchError && e.code === 'POLICY_WORKER_BUG');
    for (let n = 0; n < 5; n++) assert.deepEqual(await pool.evaluate({ n }), [here.evaluate({ n })]);
    assert.equal(workers(), 1, 'evaluations one after another need one worker');
    const inputs = Array.from({ length: 12 }, (_, n) => ({ n }));
    const results = await Promise.all(inputs.map((input) => pool.evaluate(input)));
    results.forEach((outcomes, i) => assert.deepEqual(outcomes, [here.evaluate(inputs[i])]));
    assert.ok(workers() >= 2 && workers() <= 4, `${workers()} workers for 12 inputs at once, at most 4`);
  } finally {
    unsubscribe('worker_threads', count);
    await pool.close();
  }
});
