import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot, mergeSnapshots, parseSnapshot } from '../../../src/config/snapshot.ts';
import { InputError } from '../../../src/errors.ts';
import { billionLaughsUnder } from '../../support/yaml-bombs.ts';
import { withinCpuAsync } from '../../support/cpu-time.ts';

test('reads a snapshot file, with or without spec:', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-snap-'));
  const file = join(dir, 'components.yaml');
  await writeFile(file, 'spec:\n  application: app\n  components:\n    - name: a\n      containerImage: reg.example/a@sha256:' + '1'.repeat(64) + '\n');
  const loaded = await loadSnapshot('components.yaml', dir);
  assert.equal(loaded.file, file);
  assert.equal(loaded.snapshot.application, 'app');
  assert.equal(loaded.snapshot.components[0]!.name, 'a');
});

test('inline JSON is accepted when no such file exists', async () => {
  const loaded = await loadSnapshot('{"components":[{"name":"x","containerImage":"reg.example/x:1"}]}', tmpdir());
  assert.equal(loaded.file, undefined);
  assert.equal(loaded.snapshot.components[0]!.containerImage, 'reg.example/x:1');
});

test('a missing file that is not inline text is a clear error', async () => {
  await assert.rejects(loadSnapshot('nope.yaml', tmpdir()), (e: unknown) => e instanceof InputError && e.code === 'SNAPSHOT_NOT_FOUND');
});

test('errors name the file and the component field', () => {
  assert.throws(
    () => parseSnapshot('components:\n  - name: a\n  - name: b\n    containerImage: ""\n', 'c.yaml'),
    (e: unknown) => e instanceof InputError && e.message.startsWith('c.yaml: components[0].containerImage'),
  );
  assert.throws(() => parseSnapshot('components: [', 'c.yaml'), /c.yaml: not valid JSON or YAML/);
});

test('merging keys on containerImage and only renames Unnamed/empty components', () => {
  const merged = mergeSnapshots([
    {
      application: 'app',
      components: [
        { name: '', containerImage: 'r/a:1' },
        { name: 'b', containerImage: 'r/b:1' },
      ],
    },
    {
      components: [
        { name: 'Unnamed', containerImage: 'r/c:1' },
        { name: 'named', containerImage: 'r/a:1' },
        { name: 'other', containerImage: 'r/b:1' },
      ],
    },
  ]);
  assert.deepEqual(
    merged.components.map((c) => [c.name, c.containerImage]),
    [
      ['named', 'r/a:1'],
      ['b', 'r/b:1'],
      ['Unnamed', 'r/c:1'],
    ],
  );
  assert.equal(merged.application, 'app');
});

test('a billion-laughs components.yaml is refused quickly, naming the file (exit 2)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-snap-'));
  const file = join(dir, 'components.yaml');
  await writeFile(file, billionLaughsUnder('artifacts', `components:\n  - name: a\n    containerImage: reg.example/a@sha256:${'1'.repeat(64)}\n`));
  await withinCpuAsync(10_000, 'a billion-laughs components.yaml', () =>
    assert.rejects(
      loadSnapshot('components.yaml', dir),
      (e: unknown) => e instanceof InputError && e.exitCode === 2 && e.message.startsWith(`${file}:`) && /alias bomb/.test(e.message),
    ),
  );
  assert.throws(
    () => parseSnapshot('components: &c [*c]\n', '--images'),
    (e: unknown) => e instanceof InputError && e.code === 'DOCUMENT_CYCLE' && e.message.startsWith('--images:'),
  );
});
