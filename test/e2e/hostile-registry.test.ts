// A hostile registry next to a real one: real images signed by the real cosign in docker-registry,
// copied byte for byte into the hostile registry, which then answers one route of each copy with a
// fault. One bad component fails alone — with a message naming the URL — while the healthy ones
// pass and the report is written (exit 1, never 70). Indexes served without `mediaType` still have
// their children verified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { MediaType } from '../../src/oci/types.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { faults, startHostileRegistry, type Fault, type HostileRegistry } from '../support/hostile-registry.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';
import { pushManifest } from '../support/push.ts';

let reg: TestRegistry;
let hostile: HostileRegistry;
let dir: string;
let key: KeyPair;
let otherKey: KeyPair;
let healthy: PushedImage[];

before(
  async () => {
    [reg, hostile] = await Promise.all([startRegistry(), startHostileRegistry()]);
    dir = await mkdtemp(join(tmpdir(), 'vouch-hostile-'));
    [key, otherKey] = await Promise.all([generateKeyPair(dir, 'cosign'), generateKeyPair(dir, 'other')]);
    healthy = await Promise.all(['healthy-a', 'healthy-b'].map((n) => pushImage(`${reg.host}/${n}:v1`)));
    await Promise.all(healthy.map((img) => signAndAttest(img.pinned)));
  },
  { timeout: 180_000 },
);
after(async () => {
  await Promise.all([reg.stop(), hostile.close()]);
});

async function signAndAttest(pinned: string, k: KeyPair = key): Promise<void> {
  await sign(dir, pinned, k);
  await attest(dir, pinned, k, slsaV02(), 'slsaprovenance');
}

type Violation = { msg: string; metadata?: { code?: string } };
type Component = { name: string; success: boolean; violations?: Violation[]; infrastructureError?: { code: string; message: string } };

async function run(components: { name: string; containerImage: string }[], name: string) {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ components }));
  const out = await validateJson(['--images', file, '--public-key', key.pub, '--ignore-rekor'], {
    ...process.env,
    VOUCH_CACHE_DIR: join(dir, `cache-${name}`),
  });
  return { ...out, byName: new Map(out.report.components.map((c) => [String(c.name), c as unknown as Component])) };
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A copy of healthy-a (image, .sig, .att) in the hostile registry under `repo`, with `fault` on the
 * requests for `route` in that repository (`manifests/v1`, `manifests/sig`, `manifests/att`,
 * `blobs/`, `referrers/`).
 */
async function faulty(repo: string, route: string, fault: Fault, on: HostileRegistry = hostile): Promise<string> {
  const src = healthy[0]!;
  await on.mirror(reg.url, 'healthy-a', 'v1', repo);
  await on.mirrorSignatures(reg.url, 'healthy-a', src.digest, repo);
  const path = route.replace(/^manifests\/(sig|att)$/, (_, s: string) => `manifests/${src.digest.replace(':', '-')}.${s}`);
  on.fault(new RegExp(`^GET /v2/${repo}/${esc(path)}`), fault);
  return `${on.host}/${repo}:v1`;
}

test('each kind of registry fault fails its own component only: exit 1, a report, healthy components pass', { timeout: 300_000 }, async (t) => {
  const elsewhere = await startHostileRegistry();
  t.after(() => elsewhere.close());
  const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [{ mediaType: MediaType.OciManifest, digest: 5, size: 'big', platform: null }] };
  const cases: Record<string, string> = {
    // Hashed right, shaped wrong.
    'referrers-null-entry': await faulty(
      'referrers-null-entry',
      'referrers/',
      faults.body('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[null]}', MediaType.OciIndex),
    ),
    'sig-layers-null': await faulty(
      'sig-layers-null',
      'manifests/sig',
      faults.body(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config: { mediaType: MediaType.OciConfig, digest: `sha256:${'0'.repeat(64)}`, size: 2 },
          layers: null,
        }),
      ),
    ),
    'att-layer-wrong-types': await faulty(
      'att-layer-wrong-types',
      'manifests/att',
      faults.body(
        JSON.stringify({
          schemaVersion: 2,
          config: { mediaType: MediaType.OciConfig, digest: `sha256:${'0'.repeat(64)}`, size: 2 },
          layers: [{ mediaType: 7, digest: [], size: null, annotations: { sig: 1 } }],
        }),
      ),
    ),
    'index-wrong-types': await faulty('index-wrong-types', 'manifests/v1', faults.body(JSON.stringify(index), MediaType.OciIndex)),
    'manifest-truncated': await faulty('manifest-truncated', 'manifests/v1', faults.body('{"schemaVersion":2,"config":{"mediaType"')),
    'manifest-null': await faulty('manifest-null', 'manifests/v1', faults.body('null')),
    'ambiguous-kind': await faulty('ambiguous-kind', 'manifests/v1', faults.body(JSON.stringify({ schemaVersion: 2, manifests: [], layers: [] }))),
    // Bodies that never fit or never end.
    'endless-manifest': await faulty('endless-manifest', 'manifests/v1', faults.endless()),
    'oversized-sig': await faulty('oversized-sig', 'manifests/sig', faults.oversized(64 * 1024 * 1024, true)),
    'wrong-digest-blob': await faulty('wrong-digest-blob', 'blobs/', faults.corrupt()),
    // A body that trickles past the request deadline (30 s): the slowest case.
    'trickle-att': await faulty('trickle-att', 'manifests/att', faults.trickle(1000)),
    // Where the registry sends us.
    'redirect-file': await faulty('redirect-file', 'manifests/v1', faults.redirect('file:///etc/passwd')),
    // A challenge is the registry host's (one per host, as go-containerregistry pings once): its own host.
    'realm-metadata': await faulty(
      'realm-metadata',
      'manifests/',
      faults.challenge('Bearer realm="https://169.254.169.254/latest/meta-data/",service="x"'),
      elsewhere,
    ),
  };
  // The same copy with no fault passes: the faults, not the copies, fail the components.
  await hostile.mirror(reg.url, 'healthy-a', 'v1', 'copy');
  await hostile.mirrorSignatures(reg.url, 'healthy-a', healthy[0]!.digest, 'copy');

  const components = [
    ...healthy.map((img, i) => ({ name: `healthy-${i}`, containerImage: img.ref })),
    { name: 'copy', containerImage: `${hostile.host}/copy:v1` },
    ...Object.entries(cases).map(([name, containerImage]) => ({ name, containerImage })),
  ];
  // Each fault that could stall (trickle, silence) is ended by a deadline, named in the report below;
  // a stall no deadline ends would hang the run and fail it at the runner's timeout.
  const { code, report, byName, stderr } = await run(components, 'faults');
  assert.equal(code, 1, stderr);
  assert.equal(report.success, false);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  for (const name of ['healthy-0', 'healthy-1', 'copy']) assert.equal(byName.get(name)?.success, true, `${name}: ${JSON.stringify(byName.get(name))}`);
  for (const name of Object.keys(cases)) {
    const c = byName.get(name);
    assert.ok(c, `${name} is in the report`);
    assert.equal(c.success, false, name);
    const text = (c.violations ?? []).map((v) => v.msg).join('\n');
    assert.match(text, new RegExp(`http://(${esc(hostile.host)}|${esc(elsewhere.host)})/v2/${name}/|169\\.254\\.169\\.254`), `${name} names the URL: ${text}`);
  }
  assert.match(JSON.stringify(byName.get('trickle-att')), /did not arrive within 30s/);
});

test('an index served without mediaType and with a manifest Content-Type has its children verified', { timeout: 300_000 }, async () => {
  const client = new RegistryClient({ env: {} });
  /** A two-platform index without `mediaType`, its children signed by `childKeys`, all in the real registry. */
  async function index(name: string, childKeys: [KeyPair, KeyPair]): Promise<{ digest: string; children: string[] }> {
    const children = await Promise.all(['amd64', 'arm64'].map((arch) => pushImage(`${reg.host}/${name}:${arch}`, { architecture: arch })));
    const sizes = await Promise.all(children.map(async (c) => (await client.resolve(parseReference(c.ref))).size));
    const doc = {
      schemaVersion: 2,
      manifests: children.map((c, i) => ({
        mediaType: MediaType.OciManifest,
        digest: c.digest,
        size: sizes[i],
        platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' },
      })),
    };
    const bytes = Buffer.from(JSON.stringify(doc));
    const { digest } = await pushManifest(parseReference(`${reg.host}/${name}:v1`), 'v1', bytes, MediaType.OciIndex);
    await Promise.all([signAndAttest(`${reg.host}/${name}@${digest}`), ...children.map((c, i) => signAndAttest(c.pinned, childKeys[i]))]);
    // The copy in the hostile registry: the same bytes, served as if they were an image manifest.
    await hostile.mirror(reg.url, name, 'v1');
    for (const c of [digest, ...children.map((x) => x.digest)]) await hostile.mirrorSignatures(reg.url, name, c);
    hostile.putManifest(name, bytes, MediaType.OciManifest, 'v1');
    return { digest, children: children.map((c) => c.digest) };
  }
  const good = await index('no-media-type', [key, key]);
  const bad = await index('no-media-type-bad-child', [key, otherKey]);

  const ok = await run([{ name: 'multi', containerImage: `${hostile.host}/no-media-type:v1` }], 'index-good');
  assert.equal(ok.code, 0, JSON.stringify(ok.report).slice(0, 2000));
  assert.deepEqual([...ok.byName.keys()].sort(), ['multi', `multi-${good.children[0]!}-amd64`, `multi-${good.children[1]!}-arm64`].sort());

  const failed = await run([{ name: 'multi', containerImage: `${hostile.host}/no-media-type-bad-child:v1` }], 'index-bad');
  assert.equal(failed.code, 1, JSON.stringify(failed.report).slice(0, 2000));
  assert.equal(failed.byName.get('multi')?.success, true, 'the index itself is signed');
  assert.equal(failed.byName.get(`multi-${bad.children[0]!}-amd64`)?.success, true);
  const child = failed.byName.get(`multi-${bad.children[1]!}-arm64`);
  assert.equal(child?.success, false, 'the child signed with another key fails');
  assert.ok(child.violations?.some((v) => v.metadata?.code === 'builtin.image.signature_check'));
  assert.equal(bad.digest.startsWith('sha256:'), true);
});
