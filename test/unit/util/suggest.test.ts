// The one "did you mean" rule: two edits at most, or a prefix of the candidate, case ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from '../../../src/util/suggest.ts';

test('edit distance counts insertions, deletions and substitutions', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('confg', 'config'), 1);
  assert.equal(editDistance('flaw', 'lawn'), 2);
});

test('a typo within two edits, or a prefix, suggests the candidate; the fewest edits win', () => {
  const flags = ['image', 'images', 'ignore-rekor', 'effective-time', 'output'];
  assert.equal(closest('imag', flags), 'image');
  assert.equal(closest('imagess', flags), 'images');
  assert.equal(closest('effective', flags), 'effective-time');
  assert.equal(closest('OUTPT', flags), 'output');
  assert.equal(closest('inclde', ['exclude', 'include']), 'include');
  assert.equal(closest('confg', ['name', 'config', 'data']), 'config');
});

test('nothing close, too short or too long: no suggestion', () => {
  assert.equal(closest('policy', ['image', 'output']), undefined);
  assert.equal(closest('x', ['xy']), undefined);
  assert.equal(closest('', ['image']), undefined);
  assert.equal(closest(`image${'a'.repeat(100)}`, ['image']), undefined);
  assert.equal(closest('image', []), undefined);
});
