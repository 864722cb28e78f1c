// Where each reported component is written in the components file: its own line, its name's, the
// index it was expanded from, the only entry of its repository — looked up in an index built once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentLines, componentsFileOf, lineFor, locationKey, snapshotIndex } from '../../../src/report/locations.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('a component is found by its image, its name, the index it came from, or the only entry of its repository', () => {
  const text = [
    '{"components": [',
    '  {"name": "a", "containerImage": "r.example/a:v1"},',
    '  {"name": "b", "containerImage": "r.example/b:v1"},',
    '  {"name": "c1", "containerImage": "r.example/c:v1"},',
    '  {"name": "c2", "containerImage": "r.example/c:v2"}',
    ']}',
  ].join('\n');
  const snapshot = [
    { name: 'a', containerImage: 'r.example/a:v1' },
    { name: 'b', containerImage: 'r.example/b:v1' },
    { name: 'c1', containerImage: 'r.example/c:v1' },
    { name: 'c2', containerImage: 'r.example/c:v2' },
  ];
  const index = snapshotIndex(componentLines(text), snapshot);
  assert.equal(lineFor(index, { name: 'x', containerImage: 'r.example/a:v1' }), 2, 'own image');
  assert.equal(lineFor(index, { name: 'b', containerImage: `r.example/b@${D}` }), 3, 'by name, pinned');
  assert.equal(lineFor(index, { name: `b-${D}-amd64`, containerImage: `r.example/b@${D}` }), 3, 'expanded from an index');
  assert.equal(lineFor(index, { name: 'renamed', containerImage: `r.example/a@${D}` }), 2, 'the only entry of its repository');
  assert.equal(lineFor(index, { name: 'renamed', containerImage: `r.example/c@${D}` }), undefined, 'two entries of the repository: ambiguous');
  assert.equal(lineFor(index, { name: 'renamed', containerImage: `r.example/z@${D}` }), undefined);
});

test('a one-line components file: the first image has line 1, the others a line only where their repository is unambiguous', () => {
  const snapshot = Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, containerImage: `r.example/app${i % 2 === 0 ? i : 'shared'}:v${i}` }));
  const text = JSON.stringify({ components: snapshot });
  const reported = snapshot.map((s) => ({ ...s, containerImage: s.containerImage.replace(/:v\d+$/, `@${D}`), success: true, source: {} }));
  const file = componentsFileOf(reported, { path: '/w/snapshot.json', text }, snapshot, '/w');
  assert.equal(file.path, 'snapshot.json');
  assert.deepEqual(file.lines, { [locationKey(reported[0]!)]: 1 });
});
