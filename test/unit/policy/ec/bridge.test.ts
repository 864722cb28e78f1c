// The synchronous bridge between evaluation workers and the main thread, with policies compiled by
// the real opa and run in the real worker pool. The host here is this test's own EcHost (the real
// one, on a real registry, is tested in test/e2e/ec-builtins.test.ts): what is under test is the
// mechanism — answers reach the wasm builtin, memoised per component; the main thread and the
// other worker go on while one waits; a slow answer is undefined (ec's rule); an aborted run and a
// main thread that cannot answer fail the evaluation, never a verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, VouchError } from '../../../../src/errors.ts';
import { compilePolicy } from '../../../../src/policy/opa/compile.ts';
import type { EcHost } from '../../../../src/policy/types.ts';
import { policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { startEvaluationPool, type PoolOptions } from '../../../../src/policy/wasm/workers.ts';

const POLICY = `package probe

import rego.v1

deny contains msg if {
	d := ec.oci.descriptor(input.ref)
	again := ec.oci.descriptor(input.ref)
	msg := sprintf("%s %s", [d.digest, again.digest])
}

deny contains "blob undefined" if {
	input.blob
	not ec.oci.blob(input.ref)
}
`;

let compiled: Promise<Awaited<ReturnType<typeof compilePolicy>>> | undefined;
const program = async (): Promise<Awaited<ReturnType<typeof policyProgram>>> => {
  compiled ??= mkdtemp(join(tmpdir(), 'vouch-bridge-')).then((cacheDir) =>
    compilePolicy([{ path: 'probe.rego', text: POLICY }], { cacheDir, env: process.env }),
  );
  return policyProgram(await compiled);
};

/** A host answering from `answer`, counting the calls that reach the main thread. */
function host(answer: (name: string, args: unknown[]) => Promise<unknown>): EcHost & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    forComponent: () => ({
      call: (name, args) => {
        calls.push(`${name}(${JSON.stringify(args)})`);
        return answer(name, args);
      },
    }),
  };
}

async function pool(size: number, options: PoolOptions, signal?: AbortSignal): Promise<ReturnType<typeof startEvaluationPool>> {
  const p = startEvaluationPool(size, signal, options);
  await p.load([{ ...(await program()), data: {} }], new Date());
  return p;
}

const messages = (outcomes: Awaited<ReturnType<ReturnType<typeof startEvaluationPool>['evaluate']>>): string[] =>
  outcomes.flatMap((source) => source.flatMap((rule) => rule.results.map((r) => r.msg))).sort();

const descriptor = async (_name: string, args: unknown[]): Promise<unknown> => ({ digest: `sha256:${String(args[0])}` });

test("a worker's ec builtin is answered by the main thread, memoised within one component, asked again for the next", async () => {
  const h = host(descriptor);
  const p = await pool(1, { ec: h });
  try {
    assert.deepEqual(messages(await p.evaluate({ ref: 'a' })), ['sha256:a sha256:a']);
    assert.deepEqual(messages(await p.evaluate({ ref: 'a' })), ['sha256:a sha256:a']);
    assert.deepEqual(h.calls, ['ec.oci.descriptor(["a"])', 'ec.oci.descriptor(["a"])']);
  } finally {
    await p.close();
  }
});

test('an answer of undefined (any failure, ec rule) is undefined in the policy, not an error', async () => {
  const h = host(async (name, args) => (name === 'ec.oci.blob' ? undefined : descriptor(name, args)));
  const p = await pool(1, { ec: h });
  try {
    assert.deepEqual(messages(await p.evaluate({ ref: 'b', blob: true })), ['blob undefined', 'sha256:b sha256:b']);
  } finally {
    await p.close();
  }
});

test('while one worker waits for the registry, the main thread and the other worker keep going', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const h = host(async (name, args) => {
    if (args[0] === 'slow') await gate;
    return descriptor(name, args);
  });
  const p = await pool(2, { ec: h });
  try {
    const slow = p.evaluate({ ref: 'slow' });
    let slowDone = false;
    void slow.then(() => (slowDone = true));
    // The other worker evaluates another component to the end meanwhile…
    assert.deepEqual(messages(await p.evaluate({ ref: 'fast' })), ['sha256:fast sha256:fast']);
    // …and this thread's timers fire.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(slowDone, false);
    release();
    assert.deepEqual(messages(await slow), ['sha256:slow sha256:slow']);
  } finally {
    await p.close();
  }
});

test('a call still unanswered after its budget is undefined, as a failed fetch is in ec', async () => {
  const h = host(async (name, args) => (name === 'ec.oci.blob' ? new Promise(() => undefined) : descriptor(name, args)));
  const p = await pool(1, { ec: h, hostCall: { budgetMs: 200 } });
  try {
    // The host never answers: the evaluation ends only through the budget.
    assert.deepEqual(messages(await p.evaluate({ ref: 'c', blob: true })), ['blob undefined', 'sha256:c sha256:c']);
  } finally {
    await p.close();
  }
});

test('an aborted run (--timeout) wakes the waiting worker: the evaluation fails with the abort at once', async () => {
  const controller = new AbortController();
  const h = host(() => new Promise(() => undefined));
  const p = await pool(1, { ec: h }, controller.signal);
  try {
    const reason = new VouchError('TIMEOUT', 'the run timed out', { exitCode: ExitCode.Timeout });
    // The host never answers: the evaluation ends only through the abort.
    setTimeout(() => controller.abort(reason), 200);
    await assert.rejects(p.evaluate({ ref: 'd' }), (err) => err === reason);
  } finally {
    await p.close();
  }
});

test('a main thread that cannot answer in time fails the evaluation (never a verdict); the next component is answered', async () => {
  const busy = (ms: number): void => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // the main thread is stuck: it cannot take the worker's request
    }
  };
  let first = true;
  const h = host(async (name, args) => {
    if (first) {
      first = false;
      busy(1_500);
    }
    return descriptor(name, args);
  });
  const p = await pool(1, { ec: h, hostCall: { budgetMs: 100, marginMs: 400 } });
  try {
    await assert.rejects(
      p.evaluate({ ref: 'e' }),
      (err: unknown) => err instanceof VouchError && err.code === 'EC_BUILTIN_NO_ANSWER' && /ec\.oci\.descriptor/.test(err.message),
    );
    // The late reply to the first call is dropped; this one gets its own.
    assert.deepEqual(messages(await p.evaluate({ ref: 'f' })), ['sha256:f sha256:f']);
  } finally {
    await p.close();
  }
});

test('without an ec host the call fails the evaluation, naming the builtin (never a silent undefined)', async () => {
  const p = await pool(1, {});
  try {
    await assert.rejects(
      p.evaluate({ ref: 'g' }),
      (err: unknown) =>
        err instanceof VouchError && err.code === 'EC_BUILTIN_UNAVAILABLE' && err.exitCode === ExitCode.Environment && /ec\.oci\.descriptor/.test(err.message),
    );
  } finally {
    await p.close();
  }
});
