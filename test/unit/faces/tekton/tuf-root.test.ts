// TUF_MIRROR alone: the mirror's own root.json, fetched only over https or from this machine, within
// limits, from the mirror named (no redirects). A loopback server stands for the mirror.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InputError } from '../../../../src/errors.ts';
import { fetchMirrorRoot, mirrorRootUrl } from '../../../../src/faces/tekton/tuf-root.ts';

test('<mirror>/root.json: https anywhere, plain http only on loopback', () => {
  assert.equal(mirrorRootUrl('https://tuf.example.com').href, 'https://tuf.example.com/root.json');
  assert.equal(mirrorRootUrl('https://tuf.example.com/repo/').href, 'https://tuf.example.com/repo/root.json');
  assert.equal(mirrorRootUrl('http://127.0.0.1:8080/tuf').href, 'http://127.0.0.1:8080/tuf/root.json');
  assert.equal(mirrorRootUrl('http://localhost:8080').href, 'http://localhost:8080/root.json');
  for (const [bad, code] of [
    ['http://tuf.example.com', 'TUF_ROOT_UNTRUSTED'],
    ['http://10.0.0.5', 'TUF_ROOT_UNTRUSTED'],
    ['ftp://127.0.0.1/', 'TUF_ROOT_UNTRUSTED'],
    ['tuf.example.com', 'TUF_MIRROR_INVALID'],
  ] as const) {
    assert.throws(
      () => mirrorRootUrl(bad),
      (err: unknown) => err instanceof InputError && err.code === code,
      bad,
    );
  }
});

test('fetched from a loopback mirror; a missing, redirected or oversized root.json is an environment error naming TUF_MIRROR', async () => {
  const root = JSON.stringify({ signed: { _type: 'root' }, signatures: [] });
  const server = createServer((req, res) => {
    if (req.url === '/ok/root.json') res.end(root);
    else if (req.url === '/moved/root.json') res.writeHead(302, { location: '/ok/root.json' }).end();
    else if (req.url === '/huge/root.json') res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const dir = await mkdtemp(join(tmpdir(), 'vouch-tuf-root-'));
    const path = await fetchMirrorRoot(`${base}/ok`, dir);
    assert.equal(await readFile(path, 'utf8'), root);
    for (const [mirror, message] of [
      [`${base}/missing`, /HTTP 404/],
      [`${base}/moved`, /HTTP 302/],
      [`${base}/huge`, /over the 1048576-byte limit|more than the 1048576-byte limit/],
    ] as const) {
      await assert.rejects(
        fetchMirrorRoot(mirror, dir),
        (err: unknown) =>
          err instanceof EnvironmentError &&
          err.code === 'TUF_ROOT_FETCH' &&
          err.message.startsWith(`TUF_MIRROR ${mirror}: cannot fetch its root.json`) &&
          message.test(err.message),
        mirror,
      );
    }
  } finally {
    server.close();
  }
});
