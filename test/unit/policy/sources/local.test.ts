// Local policy and data sources: read where they are, and named in the report as ec names them.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../../src/errors.ts';
import { fetchSource } from '../../../../src/policy/sources/fetch.ts';

test('a local source is read in place and reported as ec reports it: file:: and the path as given', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-local-'));
  await mkdir(join(dir, 'policy'));
  const opts = { baseDir: dir, cacheDir: join(dir, 'cache'), env: process.env };
  // ec v0.9.115 printed exactly these in report.policy (conforma/go-gather v1.2.0 FSMetadata.GetPinnedURL).
  for (const [url, pinned] of [
    ['policy', 'file::policy'],
    ['./policy', 'file::./policy'],
    [join(dir, 'policy'), `file::${join(dir, 'policy')}`],
    [`file::${join(dir, 'policy')}`, `file::${join(dir, 'policy')}`],
    [`file://${join(dir, 'policy')}`, `file::${join(dir, 'policy')}`],
  ]) {
    const fetched = await fetchSource(url!, opts);
    assert.equal(fetched.pinned, pinned, url);
    assert.equal(fetched.dir, join(dir, 'policy'), url);
  }
  await assert.rejects(fetchSource('missing', opts), (e: unknown) => e instanceof InputError && e.code === 'POLICY_SOURCE_NOT_FOUND');
});
