// The component pool: order kept, working tasks bounded, a waiting task's slot lent to another,
// tasks in flight bounded, and the first failure reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inCompletionOrder, mapWithConcurrency, whileIdle } from '../../../src/validate/pool.ts';

test('results keep input order and at most `limit` tasks work at once', async () => {
  let working = 0;
  let peak = 0;
  const out = await mapWithConcurrency([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
    peak = Math.max(peak, ++working);
    await sleep(ms);
    working--;
    return i * 10;
  });
  assert.deepEqual(out, [0, 10, 20, 30, 40, 50]);
  assert.equal(peak, 2);
});

test('a task waiting in whileIdle lends its slot: another task runs meanwhile', async () => {
  // The slow task's wait ends only when the fast task has ended: with one slot, that happens only if
  // the waiting task lent its slot (if it kept it, the run would never end and the test time out).
  const events: string[] = [];
  const { promise: fastEnded, resolve: endFast } = Promise.withResolvers<undefined>();
  await mapWithConcurrency(['slow', 'fast'], 1, async (name) => {
    events.push(`${name} start`);
    if (name === 'slow') await whileIdle(() => fastEnded);
    events.push(`${name} end`);
    if (name === 'fast') endFast(undefined);
  });
  assert.deepEqual(events, ['slow start', 'fast start', 'fast end', 'slow end'], 'the waits overlapped');
});

test('without whileIdle a waiting task keeps its slot (the old behaviour is still there when asked for)', async () => {
  const events: string[] = [];
  await mapWithConcurrency(['slow', 'fast'], 1, async (name) => {
    events.push(`${name} start`);
    if (name === 'slow') await sleep(50);
    events.push(`${name} end`);
  });
  assert.deepEqual(events, ['slow start', 'slow end', 'fast start', 'fast end']);
});

test('tasks in flight (working or waiting) stay within maxInFlight', async () => {
  let inFlight = 0;
  let peak = 0;
  await mapWithConcurrency(
    Array.from({ length: 8 }, (_, i) => i),
    1,
    async () => {
      peak = Math.max(peak, ++inFlight);
      await whileIdle(() => sleep(20));
      inFlight--;
    },
    { maxInFlight: 3 },
  );
  assert.equal(peak, 3);
});

test('whileIdle outside a pool just runs the wait', async () => {
  assert.equal(await whileIdle(async () => 7), 7);
});

test('the first failure is thrown after running tasks settle; no new task starts after it', async () => {
  const started: number[] = [];
  await assert.rejects(
    mapWithConcurrency([0, 1, 2, 3, 4], 1, async (i) => {
      started.push(i);
      if (i === 1) throw new Error('boom 1');
      await sleep(5);
    }),
    /boom 1/,
  );
  assert.deepEqual(started, [0, 1]);
});

test('inCompletionOrder yields each value as its promise settles, every value once', async () => {
  const delays = [30, 10, 20, 0];
  const seen: number[] = [];
  for await (const v of inCompletionOrder(delays.map((d, i) => sleep(d).then(() => i)))) seen.push(v);
  assert.deepEqual(seen, [3, 1, 2, 0]);
  const many: number[] = [];
  for await (const v of inCompletionOrder(Array.from({ length: 5000 }, (_, i) => Promise.resolve(i)))) many.push(v);
  assert.equal(many.length, 5000);
  assert.equal(new Set(many).size, 5000);
});
