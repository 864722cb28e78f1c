// The outline cache of parseModules (src/policy/opa/parse.ts): modules with the same text in one call
// share a cache key; each write goes through a temporary file of its own, so parsing them side by
// side neither fails nor leaves a half-written outline (it failed with ENOENT from a shared
// temporary name about one run in five, found by review).
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { opaToolchain } from '../../../../src/policy/opa/compile.ts';
import { parseModules } from '../../../../src/policy/opa/parse.ts';
import { toolPath } from '../../../support/tools.ts';

const MODULE = `package same

import rego.v1

deny contains "no" if input.x == 1
`;

test('identical modules parsed side by side with the cache on: every outline comes back, one cache entry, no temporary left', async () => {
  const toolchain = await opaToolchain({ env: { PATH: '' }, opaPath: toolPath('opa') });
  const cacheDir = await mkdtemp(join(tmpdir(), 'vouch-outline-cache-'));
  const files = Array.from({ length: 12 }, (_, i) => ({ path: `m${i}.rego`, text: MODULE }));
  for (let round = 0; round < 3; round++) {
    const outlines = await parseModules(files, { opa: toolchain.opa, opaVersion: toolchain.version, cacheDir, concurrency: 6 });
    assert.deepEqual(
      outlines.map((o) => [o.path, o.package.join('.')]),
      files.map((f) => [f.path, 'same']),
    );
  }
  assert.deepEqual(await readdir(join(cacheDir, 'outlines')).then((names) => names.length), 1);
});
