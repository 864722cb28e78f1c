// Rule data files are attacker-reachable (a data source may be any git or https URL): a YAML alias
// bomb is refused quickly, naming the file.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { loadDataTree } from '../../../src/policy/data.ts';
import { billionLaughsUnder, mergeKeyBomb } from '../../support/yaml-bombs.ts';
import { withinCpuAsync } from '../../support/cpu-time.ts';

test('a billion-laughs rule data file is refused quickly, naming the file (exit 2)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-data-'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'data', 'ok.yml'), 'allowed: [a, b]\n');
  const file = join(dir, 'data', 'rule_data.yml');
  await writeFile(file, billionLaughsUnder('rule_data'));
  await withinCpuAsync(1000, 'a billion-laughs data file', () =>
    assert.rejects(
      loadDataTree([dir]),
      (e: unknown) => e instanceof InputError && e.exitCode === 2 && e.message.startsWith(`${file}:`) && /alias bomb/.test(e.message),
    ),
  );
});

test('rule data: merge-key bombs are refused quickly; ordinary anchors load', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-data-'));
  await writeFile(join(dir, 'm.yaml'), mergeKeyBomb());
  await withinCpuAsync(1000, 'a merge-key bomb', () =>
    assert.rejects(loadDataTree([dir]), (e: unknown) => e instanceof InputError && e.message.startsWith(join(dir, 'm.yaml'))),
  );
  const ok = await mkdtemp(join(tmpdir(), 'vouch-data-'));
  await writeFile(join(ok, 'a.yaml'), 'x: &x [1, 2]\nz: *x\n');
  assert.deepEqual(await loadDataTree([ok]), { x: [1, 2], z: [1, 2] });
});
