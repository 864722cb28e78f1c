// The validate-image differential's comparison (scripts/differential-lib.ts): codes counted per
// kind (ec repeats a result once per unreported dependency), messages of equal codes, components
// paired by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareComponent, compareReports, table } from '../../../scripts/differential-lib.ts';

const r = (code: string, msg = 'm') => ({ msg, metadata: { code } });

test('equal reports: every code equal, nothing differs', () => {
  const c = {
    name: 'a',
    violations: [r('p.x'), r('p.x')],
    warnings: [{ msg: "Include criterion 'q' doesn't match any policy rule" }],
    successes: [r('p.y', 'Pass')],
  };
  const cmp = compareComponent(c, structuredClone(c));
  assert.deepEqual(cmp, { component: 'a', rules: 3, equal: 3, codeDifferences: [], messageDifferences: [] });
});

test('a code counted differently, in another kind, or with another message is reported', () => {
  const ec = { name: 'a', violations: [r('p.x'), r('p.x'), r('p.z', 'one')], successes: [r('p.y')] };
  const vouch = { name: 'a', violations: [r('p.x'), r('p.z', 'two')], warnings: [r('p.y')] };
  const cmp = compareComponent(ec, vouch);
  assert.deepEqual(cmp.codeDifferences, ['violations p.x: ec 2, vouch 1', 'warnings p.y: ec 0, vouch 1', 'successes p.y: ec 1, vouch 0']);
  assert.deepEqual(cmp.messageDifferences, ['p.z: ec «one» vouch «two»']);
  assert.equal(cmp.equal, 1);
  assert.equal(cmp.rules, 3);
});

test('components are paired by name; one missing on a side is a difference; the table has a row each', () => {
  const rows = compareReports({ components: [{ name: 'a' }, { name: 'b' }] }, { components: [{ name: 'a' }] });
  assert.deepEqual(
    rows.map((x) => [x.component, x.codeDifferences]),
    [
      ['a', []],
      ['b', ['component missing in vouch']],
    ],
  );
  assert.match(table(rows.map((comparison) => ({ collection: '@c', comparison }))), /\| @c \| b \| 0 \| 0 \| component missing in vouch \| 0 \|/);
});
