// mapLimited (src/util/map-limited.ts): results in input order, never more than the limit running,
// nothing started after a failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapLimited } from '../../../src/util/map-limited.ts';

test('results come in input order whatever order the tasks end in, at most `limit` running at once', async () => {
  let running = 0;
  let most = 0;
  const out = await mapLimited([5, 1, 4, 2, 3, 0], 3, async (n, i) => {
    running++;
    most = Math.max(most, running);
    // Later items end first: a task's end waits n turns of the event loop.
    for (let k = 0; k < n; k++) await new Promise<void>((r) => setImmediate(r));
    running--;
    return `${i}:${n}`;
  });
  assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
  assert.equal(most, 3);
});

test('a limit under 1 still runs every item, one at a time; an empty list gives an empty result', async () => {
  assert.deepEqual(await mapLimited([1, 2, 3], 0, (n) => Promise.resolve(n * 2)), [2, 4, 6]);
  assert.deepEqual(await mapLimited([], 4, () => Promise.resolve(1)), []);
});

test('the first failure rejects the whole and no task starts after it', async () => {
  const started: number[] = [];
  await assert.rejects(
    mapLimited([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await new Promise<void>((r) => setImmediate(r));
      if (n === 1) throw new Error('task 1 failed');
      return n;
    }),
    /task 1 failed/,
  );
  // 0 and 1 ran side by side; 0's slot took 2 before 1 failed; nothing after.
  assert.deepEqual(started, [0, 1, 2]);
});
