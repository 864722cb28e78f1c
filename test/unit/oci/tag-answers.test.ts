// The bounds of the run's tag answers (src/oci/tag-answers.ts): entries, bytes, the largest answer
// kept, least recently read out first; a rejection never kept. The client's use of it is tested
// against real registries in client-tags.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TagAnswers, type TagAnswerLimits } from '../../../src/oci/tag-answers.ts';

/** Strings weighed by their length, each naming itself. */
const STRINGS = { sizeOf: (a: string): number => a.length, nameOf: (a: string): string => a };
const moved = (first: string, now: string): Error => new Error(`${first} became ${now}`);

/** A cache of strings sized by their length, and the keys it asked for, in order. */
function cache(limits: Partial<TagAnswerLimits>): { read: (key: string, answer?: string) => Promise<string>; asked: string[]; tags: TagAnswers<string> } {
  const tags = new TagAnswers<string>({ entries: 100, bytes: 1000, entryBytes: 1000, ...limits }, STRINGS);
  const asked: string[] = [];
  const read = (key: string, answer = key): Promise<string> =>
    tags.get(
      key,
      () => {
        asked.push(key);
        return Promise.resolve(answer);
      },
      moved,
    );
  return { read, asked, tags };
}

test('the first answer is kept: later reads get it without asking', async () => {
  const { read, asked } = cache({});
  assert.equal(await read('a', 'first'), 'first');
  assert.equal(await read('a', 'second'), 'first');
  assert.deepEqual(asked, ['a']);
});

test('over the byte budget, the least recently read answer goes first', async () => {
  const { read, asked, tags } = cache({ bytes: 10 });
  await read('a', 'aaaa');
  await read('b', 'bbbb');
  await read('a'); // a is now the most recent
  await read('c', 'cccc'); // 12 bytes: b goes
  assert.equal(tags.size, 2);
  await read('a');
  await read('c');
  await read('b', 'bbbb');
  assert.deepEqual(asked, ['a', 'b', 'c', 'b']);
});

test('over the entry count, the least recently read answer goes first', async () => {
  const { read, asked } = cache({ entries: 2 });
  for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await read(key);
  assert.deepEqual(asked, ['a', 'b', 'c', 'b']);
});

test('an answer over the entry limit is given but not kept', async () => {
  const { read, asked, tags } = cache({ entryBytes: 3 });
  assert.equal(await read('big', 'four'), 'four');
  assert.equal(await read('big', 'four'), 'four');
  assert.equal(tags.size, 0);
  assert.deepEqual(asked, ['big', 'big']);
});

test('a rejection is shared while in flight, then dropped; forget() drops an answer', async () => {
  const tags = new TagAnswers<string>({ entries: 10, bytes: 100, entryBytes: 100 }, STRINGS);
  let asks = 0;
  const failing = (): Promise<string> => {
    asks++;
    return Promise.reject(new Error('503'));
  };
  const both = [tags.get('t', failing, moved), tags.get('t', failing, moved)];
  for (const p of both) await assert.rejects(p, /503/);
  assert.equal(asks, 1);
  assert.equal(await tags.get('t', () => Promise.resolve('ok'), moved), 'ok');
  tags.forget('t');
  assert.equal(await tags.get('t', () => Promise.resolve('new'), moved), 'new');
});
