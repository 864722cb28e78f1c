import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType } from '../../../src/oci/types.ts';
import { startProxy } from '../../support/proxy.ts';
import { freePort, startRegistry, type TestRegistry } from '../../support/registry.ts';
import { pushBlob, pushManifest } from '../../support/push.ts';

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry();
});
after(async () => {
  await reg.stop();
});

/** Pushes a small random image (test/support/push.ts) and returns its manifest digest. */
async function pushImage(refText: string, auth?: Record<string, string>): Promise<{ digest: string; configDigest: string }> {
  const ref = parseReference(refText);
  const layer = await pushBlob(ref, randomBytes(512), auth);
  const configBytes = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { a: 'b' } }, rootfs: { type: 'layers', diff_ids: [layer.digest] } }),
  );
  const config = await pushBlob(ref, configBytes, auth);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
    }),
  );
  const desc = await pushManifest(ref, ref.tag ?? 'latest', manifest, MediaType.OciManifest, auth);
  return { digest: desc.digest, configDigest: config.digest };
}

test('pushes, resolves and reads back manifests and blobs, checking digests', async () => {
  const client = new RegistryClient();
  const { digest, configDigest } = await pushImage(`${reg.host}/app:v1`);
  const ref = parseReference(`${reg.host}/app:v1`);
  const desc = await client.resolve(ref);
  assert.equal(desc.digest, digest);
  assert.equal(desc.mediaType, MediaType.OciManifest);
  const fetched = await client.getManifest(ref, digest);
  assert.ok(fetched && 'config' in fetched.manifest);
  const config = await client.getBlob(ref, fetched.manifest.config);
  assert.equal((JSON.parse(config.toString()) as { config: { Labels: Record<string, string> } }).config.Labels.a, 'b');
  assert.equal(fetched.manifest.config.digest, configDigest);
  assert.equal(await client.getManifest(ref, 'no-such-tag'), undefined);
  await assert.rejects(
    client.resolve(parseReference(`${reg.host}/app:nope`)),
    (e: unknown) => e instanceof RegistryError && e.code === 'NOT_FOUND' && /MANIFEST_UNKNOWN/.test(e.message),
  );
});

test('size limits are enforced before reading a blob', async () => {
  const client = new RegistryClient();
  await pushImage(`${reg.host}/limits:v1`);
  const ref = parseReference(`${reg.host}/limits:v1`);
  const fetched = await client.getManifest(ref, 'v1');
  assert.ok(fetched && 'layers' in fetched.manifest);
  await assert.rejects(client.getBlob(ref, fetched.manifest.layers[0]!, 100), (e: unknown) => e instanceof RegistryError && e.code === 'TOO_LARGE');
});

test('the referrers fallback reads the sha256-<hex> tag index; none gives []', async () => {
  const client = new RegistryClient();
  const { digest } = await pushImage(`${reg.host}/refs:v1`);
  const ref = parseReference(`${reg.host}/refs:v1`);
  assert.deepEqual(await client.referrers(ref, digest), []);
  const other = await pushImage(`${reg.host}/refs:referrer`);
  const referrer = {
    mediaType: MediaType.OciManifest,
    digest: other.digest,
    size: (await client.resolve(parseReference(`${reg.host}/refs:referrer`))).size,
    artifactType: MediaType.SigstoreBundleV03,
  };
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [referrer] }));
  await pushManifest(ref, digest.replace(':', '-'), index, MediaType.OciIndex);
  // The run's answer for the tag was "none"; the next run sees the index.
  assert.deepEqual(await client.referrers(ref, digest), []);
  assert.deepEqual(await new RegistryClient().referrers(ref, digest), [referrer]);
});

test('a registry without the referrers API is probed once, even by many components at once', async () => {
  const proxy = await startProxy(reg.host);
  try {
    const images = await Promise.all(Array.from({ length: 12 }, (_, i) => pushImage(`${reg.host}/probe:v${i}`)));
    const client = new RegistryClient();
    const ref = parseReference(`${proxy.host}/probe:v0`);
    const found = await Promise.all(images.map((img) => client.referrers(ref, img.digest)));
    assert.deepEqual(
      found,
      images.map(() => []),
    );
    const lines = proxy.requests();
    assert.equal(lines.filter((l) => l.includes('/referrers/')).length, 1, lines.join('\n'));
    assert.equal(lines.filter((l) => /\/manifests\/sha256-[0-9a-f]{64}$/.test(l)).length, images.length, 'each digest still looks for its tag-schema index');
  } finally {
    proxy.close();
  }
});

test('an unreachable registry is a transient UNREACHABLE error after the retries', async () => {
  const port = await freePort();
  const client = new RegistryClient({ retry: { retries: 1, baseMs: 10 } });
  await assert.rejects(
    client.resolve(parseReference(`127.0.0.1:${port}/app:v1`)),
    (e: unknown) => e instanceof RegistryError && e.code === 'UNREACHABLE' && e.transient,
  );
});

test('429 with Retry-After is honoured, then the request succeeds', async () => {
  await pushImage(`${reg.host}/retry:v1`);
  let refused = 0;
  const p = await startProxy(reg.host, (req, res) => {
    if (!req.url?.includes('/manifests/') || refused >= 1) return false;
    refused++;
    res.writeHead(429, { 'retry-after': '1' }).end();
    return true;
  });
  try {
    const start = Date.now();
    const desc = await new RegistryClient().resolve(parseReference(`${p.host}/retry:v1`));
    assert.match(desc.digest, /^sha256:/);
    assert.ok(Date.now() - start >= 950, 'waited for Retry-After');
    assert.equal(refused, 1);
  } finally {
    p.close();
  }
});

test('429s have a retry budget of their own; server errors keep the short one', async () => {
  await pushImage(`${reg.host}/budget:v1`);
  // Each request for the manifest is answered by the next status in `plan`, then by the registry.
  let plan: number[] = [];
  let seen = 0;
  const p = await startProxy(reg.host, (req, res) => {
    if (!req.url?.includes('/budget/manifests/')) return false;
    const status = plan[seen++];
    if (status === undefined) return false;
    res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end();
    return true;
  });
  const resolveWith = (statuses: number[]): Promise<string> => {
    plan = statuses;
    seen = 0;
    // A fresh client each time: resolutions are cached per client.
    const patient = new RegistryClient({ retry: { retries: 1, throttleRetries: 5, baseMs: 10 } });
    return patient.resolve(parseReference(`${p.host}/budget:v1`)).then((d) => d.digest);
  };
  try {
    // Five 429s and one 503 are within the two budgets.
    assert.match(await resolveWith([429, 429, 503, 429, 429, 429]), /^sha256:/);
    assert.equal(seen, 7);
    // A second 503 is past the error budget, however many 429 retries remain.
    await assert.rejects(resolveWith([429, 503, 503]), (e: unknown) => e instanceof RegistryError && e.transient);
    assert.equal(seen, 3);
    // A sixth 429 is past the throttle budget.
    await assert.rejects(resolveWith([429, 429, 429, 429, 429, 429]), (e: unknown) => e instanceof RegistryError && e.transient);
    assert.equal(seen, 6);
  } finally {
    p.close();
  }
});

test('a request waiting on Retry-After does not hold a concurrency slot', async () => {
  await pushImage(`${reg.host}/slow:v1`);
  await pushImage(`${reg.host}/fast:v1`);
  const p = await startProxy(reg.host, (req, res, seen) => {
    if (!req.url?.includes('/slow/manifests/') || seen > 0) return false;
    res.writeHead(429, { 'retry-after': '2' }).end();
    return true;
  });
  try {
    // One slot: the fast request must go out while the slow one sleeps, not after it.
    const oneSlot = new RegistryClient({ maxConcurrency: 1 });
    // With the slot held through the sleep, the fast request would finish after the slow one: the order proves it.
    const done: string[] = [];
    const start = Date.now();
    const slow = oneSlot.resolve(parseReference(`${p.host}/slow:v1`)).then(() => (done.push('slow'), Date.now() - start));
    await new Promise((r) => setTimeout(r, 200));
    await oneSlot.resolve(parseReference(`${p.host}/fast:v1`)).then(() => done.push('fast'));
    assert.ok((await slow) >= 1950, 'slow request waited for Retry-After');
    assert.deepEqual(done, ['fast', 'slow'], 'the fast request went out while the slow one slept');
  } finally {
    p.close();
  }
});
test('a blob whose bytes do not match its digest is rejected (tampering injected by a proxy)', async () => {
  await pushImage(`${reg.host}/tamper:v1`);
  const p = await startProxy(reg.host, (req, res) => {
    if (!req.url?.includes('/blobs/')) return false;
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(512, 1));
    return true;
  });
  try {
    const viaProxy = new RegistryClient();
    const ref = parseReference(`${p.host}/tamper:v1`);
    const fetched = await viaProxy.getManifest(ref, 'v1');
    assert.ok(fetched && 'layers' in fetched.manifest);
    await assert.rejects(viaProxy.getBlob(ref, fetched.manifest.layers[0]!), (e: unknown) => e instanceof RegistryError && e.code === 'DIGEST_MISMATCH');
  } finally {
    p.close();
  }
});

test('basic auth from a docker config file; the password never appears in errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-auth-'));
  const htpasswd = join(dir, 'htpasswd');
  const secret = 's3cr3t-Pa55w0rd';
  await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'builder', secret]));
  const authReg = await startRegistry({ htpasswdFile: htpasswd });
  try {
    const anonymous = new RegistryClient({ env: { HOME: dir } });
    const err = await anonymous.resolve(parseReference(`${authReg.host}/private:v1`)).catch((e: unknown) => e);
    assert.ok(err instanceof RegistryError && err.code === 'UNAUTHORIZED', String(err));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [authReg.host]: { auth: Buffer.from(`builder:${secret}`).toString('base64') } } }));
    const authed = new RegistryClient({ env: { DOCKER_CONFIG: dir } });
    const { digest } = await pushImage(`${authReg.host}/private:v1`, { authorization: `Basic ${Buffer.from(`builder:${secret}`).toString('base64')}` });
    assert.equal((await authed.resolve(parseReference(`${authReg.host}/private:v1`))).digest, digest);
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [authReg.host]: { auth: Buffer.from(`builder:wrong-${secret}`).toString('base64') } } }),
    );
    const wrong = new RegistryClient({ env: { DOCKER_CONFIG: dir } });
    const denied = await wrong.resolve(parseReference(`${authReg.host}/private:v1`)).catch((e: unknown) => e);
    assert.ok(denied instanceof RegistryError && denied.code === 'UNAUTHORIZED');
    assert.doesNotMatch(`${denied.message} ${String(denied.value)}`, new RegExp(secret));
  } finally {
    await authReg.stop();
  }
});

test('the bearer-token flow: challenge, token from the realm with credentials, one token per scope', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-bearer-'));
  let tokenRequests = 0;
  let lastScope = '';
  let tokenAuth = '';
  const token = `tok-${randomBytes(8).toString('hex')}`;
  const tokenPort = await freePort();
  const tokenServer = createServer((req, res) => {
    tokenRequests++;
    const url = new URL(req.url ?? '/', 'http://x');
    lastScope = url.searchParams.get('scope') ?? '';
    tokenAuth = req.headers.authorization ?? '';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
  await new Promise<void>((r) => tokenServer.listen(tokenPort, '127.0.0.1', r));
  const p = await startProxy(reg.host, (req, res) => {
    if (req.headers.authorization === `Bearer ${token}`) {
      delete req.headers.authorization;
      return false;
    }
    res
      .writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${tokenPort}/token",service="test-registry",scope="repository:bearer:pull"` })
      .end();
    return true;
  });
  try {
    await pushImage(`${reg.host}/bearer:v1`);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [p.host]: { username: 'robot', password: 'pw' } } }));
    const client = new RegistryClient({ env: { DOCKER_CONFIG: dir } });
    const ref = parseReference(`${p.host}/bearer:v1`);
    const desc = await client.resolve(ref);
    await client.getManifest(ref, desc.digest);
    await client.getManifest(ref, 'v1');
    assert.equal(tokenRequests, 1, 'one token for the pull scope');
    assert.equal(lastScope, 'repository:bearer:pull');
    assert.equal(tokenAuth, `Basic ${Buffer.from('robot:pw').toString('base64')}`);
  } finally {
    p.close();
    tokenServer.close();
  }
});
