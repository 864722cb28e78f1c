// A tag answers once per run (src/oci/tag-answers.ts): the first definite answer (a manifest, or a
// 404) is what every later read of that tag in the same client gets, so the verifier and the policy
// see one manifest; failures that are not answers are asked again; keys never cross a repository or
// a host. Against the real registry (re-pushing a tag mid-run) and the hostile one (faults).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType } from '../../../src/oci/types.ts';
import { faults, startHostileRegistry, type Fault, type HostileRegistry } from '../../support/hostile-registry.ts';
import { startProxy, type LoopbackProxy } from '../../support/proxy.ts';
import { pushBlob, pushManifest } from '../../support/push.ts';
import { startRegistry, type TestRegistry } from '../../support/registry.ts';

let reg: TestRegistry;
let hostile: HostileRegistry;
before(async () => {
  [reg, hostile] = await Promise.all([startRegistry(), startHostileRegistry()]);
});
after(async () => {
  await Promise.all([reg.stop(), hostile.close()]);
});

const client = (options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient =>
  new RegistryClient({ retry: { retries: 0, throttleRetries: 0 }, ...options });

/** Pushes a small random image to the real registry under `tag` (re-pointing it when it exists); its digest. */
async function pushImage(host: string, repo: string, tag: string): Promise<string> {
  const ref = parseReference(`${host}/${repo}:${tag}`);
  const config = await pushBlob(
    ref,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: randomBytes(8).toString('hex') })),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size },
    layers: [],
  };
  return (await pushManifest(ref, tag, Buffer.from(JSON.stringify(manifest)), MediaType.OciManifest)).digest;
}

/** How many GETs of `repo`'s manifest `tag` went through the proxy. */
const gets = (proxy: LoopbackProxy, repo: string, tag: string): number => proxy.requests().filter((l) => l === `GET /v2/${repo}/manifests/${tag}`).length;

async function withProxy(fn: (proxy: LoopbackProxy) => Promise<void>): Promise<void> {
  const proxy = await startProxy(reg.host);
  try {
    await fn(proxy);
  } finally {
    proxy.close();
  }
}

test('a tag re-pushed to another digest mid-run still answers its first manifest in the run; a new client sees the new one', () =>
  withProxy(async (proxy) => {
    const first = await pushImage(reg.host, 'moving', 'v1');
    const c = client();
    const ref = parseReference(`${proxy.host}/moving:v1`);
    assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, first);
    const second = await pushImage(reg.host, 'moving', 'v1');
    assert.notEqual(second, first);
    assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, first);
    assert.equal((await c.resolve(ref)).digest, first, 'resolve reads the same answer');
    assert.equal(gets(proxy, 'moving', 'v1'), 1);
    assert.equal((await client().getManifest(ref, 'v1'))?.descriptor.digest, second);
    assert.equal((await c.getManifest(ref, 'v1', { fresh: true }))?.descriptor.digest, second, 'a fresh read asks the registry');
    assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, first, '…and leaves the run its first answer');
  }));

test('a 404 for a tag stays a 404 in the run (for strict readers with the registry words); a new client sees the tag once pushed', () =>
  withProxy(async (proxy) => {
    const c = client();
    const ref = parseReference(`${proxy.host}/late:v1`);
    assert.equal(await c.getManifest(ref, 'v1'), undefined);
    const digest = await pushImage(reg.host, 'late', 'v1');
    assert.equal(await c.getManifest(ref, 'v1'), undefined);
    await assert.rejects(
      c.resolve(ref),
      (e: unknown) => e instanceof RegistryError && e.code === 'NOT_FOUND' && /MANIFEST_UNKNOWN|NAME_UNKNOWN/.test(e.message),
    );
    assert.equal(gets(proxy, 'late', 'v1'), 1);
    assert.equal((await client().resolve(ref)).digest, digest);
  }));

test('two reads of a tag in flight share one request, and the answer is reused after', () =>
  withProxy(async (proxy) => {
    const digest = await pushImage(reg.host, 'shared', 'v1');
    const c = client();
    const ref = parseReference(`${proxy.host}/shared:v1`);
    const [a, b] = await Promise.all([c.getManifest(ref, 'v1'), c.resolve(ref)]);
    assert.equal(a?.descriptor.digest, digest);
    assert.equal(b.digest, digest);
    assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, digest);
    assert.equal(gets(proxy, 'shared', 'v1'), 1);
  }));

test('the same tag in another repository or on another registry is its own answer', async () => {
  const [a, b] = [await pushImage(reg.host, 'one', 'v1'), await pushImage(reg.host, 'two', 'v1')];
  const elsewhere = hostile.putImage('one', 'v1');
  const c = client();
  assert.equal((await c.getManifest(parseReference(`${reg.host}/one:v1`), 'v1'))?.descriptor.digest, a);
  assert.equal((await c.getManifest(parseReference(`${reg.host}/two:v1`), 'v1'))?.descriptor.digest, b);
  assert.equal((await c.getManifest(parseReference(`${hostile.host}/one:v1`), 'v1'))?.descriptor.digest, elsewhere);
  assert.equal((await c.resolve(parseReference(`${reg.host}/one:v1`))).digest, a);
  assert.equal(await c.getManifest(parseReference(`${reg.host}/three:v1`), 'v1'), undefined);
  assert.equal((await c.resolve(parseReference(`${reg.host}/two:v1`))).digest, b, 'a 404 elsewhere is not this tag');
});

// Each is asked for the tag's first read only; the second read must reach the registry and get the manifest.
const notAnswers: [string, Fault, string][] = [
  ['a 500', faults.status(500, '{"errors":[{"code":"UNKNOWN"}]}'), 'UNREACHABLE'],
  ['a 503', faults.status(503), 'UNREACHABLE'],
  ['a 429', faults.status(429), 'RATE_LIMITED'],
  ['a 401 without a challenge', faults.status(401), 'UNAUTHORIZED'],
  ['a 403', faults.status(403), 'DENIED'],
  ['a body over the manifest limit', faults.oversized(4 * 1024 * 1024 + 1, true), 'TOO_LARGE'],
  ['bytes that do not hash to the digest header', faults.corrupt(), 'DIGEST_MISMATCH'],
  ['malformed JSON', faults.body('{"schemaVersion": 2, '), 'BAD_RESPONSE'],
  ['a dropped connection', (req) => void req.socket.destroy(), 'UNREACHABLE'],
];

for (const [what, fault, code] of notAnswers) {
  test(`${what} for a tag is not kept: the next read asks again`, async () => {
    const digest = hostile.putImage('flaky', 'v1');
    const c = client();
    const ref = parseReference(`${hostile.host}/flaky:v1`);
    hostile.fault(/^GET \/v2\/flaky\/manifests\/v1$/, fault);
    try {
      await assert.rejects(c.getManifest(ref, 'v1'), (e: unknown) => e instanceof RegistryError && e.code === code);
    } finally {
      hostile.clearFaults();
    }
    const before = hostile.requests.length;
    assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, digest);
    assert.equal((await c.resolve(ref)).digest, digest);
    assert.equal(hostile.requests.slice(before).filter((r) => r.url === '/v2/flaky/manifests/v1').length, 1, 'asked once more, then kept');
  });
}

test('a tag vouch pushes is read again: the run forgets its earlier answer', async () => {
  const first = await pushImage(reg.host, 'written', 'v1');
  const c = client();
  const ref = parseReference(`${reg.host}/written:v1`);
  assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, first);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] }));
  const pushed = await c.pushManifest(ref, 'v1', index, MediaType.OciIndex);
  assert.equal((await c.getManifest(ref, 'v1'))?.descriptor.digest, pushed.digest);
});

test('the run keeps a bounded number of tag answers: one pushed out is asked again', () =>
  withProxy(async (proxy) => {
    await Promise.all(['a', 'b'].map((tag) => pushImage(reg.host, 'bounded', tag)));
    const c = client({ tagAnswers: { entries: 1 } });
    const ref = parseReference(`${proxy.host}/bounded:a`);
    for (const tag of ['a', 'a', 'b', 'b', 'a']) assert.ok(await c.getManifest(ref, tag));
    assert.deepEqual([gets(proxy, 'bounded', 'a'), gets(proxy, 'bounded', 'b')], [2, 1]);
  }));

test("an image's pin outlives the bounded tag answers: resolving its tag again asks nothing and gives the first digest", () =>
  withProxy(async (proxy) => {
    const first = await pushImage(reg.host, 'pinned', 'app');
    await pushImage(reg.host, 'pinned', 'other');
    const c = client({ tagAnswers: { entries: 1 } });
    const ref = (tag: string): ReturnType<typeof parseReference> => parseReference(`${proxy.host}/pinned:${tag}`);
    assert.equal((await c.resolve(ref('app'))).digest, first);
    // Another tag's answer pushes the image tag's out of the store, and the tag moves meanwhile.
    assert.ok(await c.getManifest(ref('other'), 'other'));
    await pushImage(reg.host, 'pinned', 'app');
    assert.equal((await c.resolve(ref('app'))).digest, first);
    assert.equal(gets(proxy, 'pinned', 'app'), 1);
  }));

test('a tag whose answer was not kept (too large, or pushed out) and that names another manifest when read again is an error, never a second answer', () =>
  withProxy(async (proxy) => {
    const ref = (repo: string, tag: string): ReturnType<typeof parseReference> => parseReference(`${proxy.host}/${repo}:${tag}`);
    // Too large to keep: every answer is over a 10-byte limit.
    const first = await pushImage(reg.host, 'padded', 'v1');
    const small = client({ tagAnswers: { entryBytes: 10 } });
    assert.equal((await small.getManifest(ref('padded', 'v1'), 'v1'))?.descriptor.digest, first);
    await pushImage(reg.host, 'padded', 'v1');
    await assert.rejects(small.getManifest(ref('padded', 'v1'), 'v1'), (err: unknown) => err instanceof RegistryError && err.code === 'TAG_MOVED');
    // Not kept either: the next read asks again, and is refused again.
    await assert.rejects(small.getManifest(ref('padded', 'v1'), 'v1'), (err: unknown) => err instanceof RegistryError && err.code === 'TAG_MOVED');
    assert.equal(gets(proxy, 'padded', 'v1'), 3);
    // Pushed out by another tag's answer, then re-pointed.
    await Promise.all(['a', 'b'].map((tag) => pushImage(reg.host, 'evicted', tag)));
    const one = client({ tagAnswers: { entries: 1 } });
    assert.ok(await one.getManifest(ref('evicted', 'a'), 'a'));
    assert.ok(await one.getManifest(ref('evicted', 'b'), 'b'));
    const moved = await pushImage(reg.host, 'evicted', 'a');
    await assert.rejects(one.getManifest(ref('evicted', 'a'), 'a'), (err: unknown) => err instanceof RegistryError && err.code === 'TAG_MOVED');
    // A new run sees the tag as it is now.
    assert.equal((await client().getManifest(ref('evicted', 'a'), 'a'))?.descriptor.digest, moved);
  }));
