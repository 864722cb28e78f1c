import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry } from './registry.ts';

test('the test registry serves the distribution API on loopback', async () => {
  const reg = await startRegistry();
  try {
    assert.match(reg.host, /^127\.0\.0\.1:\d+$/);
    const res = await fetch(`${reg.url}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
  } finally {
    await reg.stop();
  }
});
