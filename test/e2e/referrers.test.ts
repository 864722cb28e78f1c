// cosign v3 bundles behind a registry that serves the OCI 1.1 referrers API (olareg), signed by the
// real cosign: discovery goes through the API (no tag-schema fallback), and our rule when legacy
// .sig/.att tags and bundles both exist (docs/compatibility.md): every candidate is verified on its
// own, one verified candidate passes a check, and an unrelated referrer never hides legacy ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { MediaType } from '../../src/oci/types.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV1 } from '../support/predicates.ts';
import { startProxy, type LoopbackProxy } from '../support/proxy.ts';
import { startReferrersRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson, vouch } from '../support/run-cli.ts';
import { pushBlob, pushManifest } from '../support/push.ts';

let reg: TestRegistry;
let proxy: LoopbackProxy;
let dir: string;
let legacyKey: KeyPair;
let bundleKey: KeyPair;
let bundled: PushedImage;
let both: PushedImage;
let unrelated: PushedImage;

/** An SBOM-like artifact whose subject is the image: a referrer that is not a Sigstore bundle. */
async function pushUnrelatedReferrer(image: PushedImage): Promise<void> {
  const client = new RegistryClient({ env: {} });
  const ref = parseReference(image.pinned);
  const empty = await pushBlob(ref, Buffer.from('{}'));
  const sbom = await pushBlob(ref, Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' })));
  const size = (await client.resolve(ref)).size;
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: 'application/spdx+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: empty.size },
    layers: [{ mediaType: 'application/spdx+json', digest: sbom.digest, size: sbom.size }],
    subject: { mediaType: MediaType.OciManifest, digest: image.digest, size },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  await pushManifest(ref, `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, MediaType.OciManifest);
}

before(
  async () => {
    reg = await startReferrersRegistry();
    proxy = await startProxy(reg.host);
    dir = await mkdtemp(join(tmpdir(), 'vouch-referrers-'));
    [legacyKey, bundleKey] = await Promise.all([generateKeyPair(dir, 'legacy'), generateKeyPair(dir, 'bundle')]);
    [bundled, both, unrelated] = (await Promise.all(['bundled', 'both', 'unrelated'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [
      PushedImage,
      PushedImage,
      PushedImage,
    ];
    await sign(dir, bundled.pinned, bundleKey, { bundle: true });
    await attest(dir, bundled.pinned, bundleKey, slsaV1(), 'slsaprovenance1', { bundle: true });
    await sign(dir, both.pinned, legacyKey);
    await attest(dir, both.pinned, legacyKey, slsaV1({ commit: '1'.repeat(40) }), 'slsaprovenance1');
    await sign(dir, both.pinned, bundleKey, { bundle: true });
    await attest(dir, both.pinned, bundleKey, slsaV1({ commit: '2'.repeat(40) }), 'slsaprovenance1', { bundle: true });
    await sign(dir, unrelated.pinned, legacyKey);
    await attest(dir, unrelated.pinned, legacyKey, slsaV1(), 'slsaprovenance1');
    await pushUnrelatedReferrer(unrelated);
  },
  { timeout: 180_000 },
);
after(async () => {
  proxy.close();
  await reg.stop();
});

type Component = { success: boolean; violations?: { metadata?: { code?: string } }[] };
const viaProxy = (img: PushedImage): string => img.ref.replace(reg.host, proxy.host);
const env = (name: string): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_CACHE_DIR: join(dir, `cache-${name}`) });
const codes = (c: Component): (string | undefined)[] => (c.violations ?? []).map((v) => v.metadata?.code);

/** The git commits of the verified provenance statements (the `attestation` output: one statement per line). */
async function verifiedCommits(img: PushedImage, key: KeyPair, name: string): Promise<{ code: number; commits: string[] }> {
  const run = await vouch(['validate', 'image', '--image', viaProxy(img), '--public-key', key.pub, '--ignore-rekor', '--output', 'attestation'], env(name));
  const statements = run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { predicate: { buildDefinition: { resolvedDependencies: { digest: { sha1: string } }[] } } });
  return { code: run.code, commits: statements.map((s) => s.predicate.buildDefinition.resolvedDependencies[0]!.digest.sha1).sort() };
}

test('bundles are found through the referrers API, with no tag-schema lookup, and verify', async () => {
  const start = proxy.requests().length;
  const { code, report } = await validateJson(['--image', viaProxy(bundled), '--public-key', bundleKey.pub, '--ignore-rekor'], env('bundled'));
  assert.equal(code, 0, JSON.stringify(report).slice(0, 1500));
  const requests = proxy.requests().slice(start);
  const hex = bundled.digest.slice('sha256:'.length);
  assert.ok(
    requests.some((r) => r.startsWith(`GET /v2/bundled/referrers/${bundled.digest}`)),
    requests.join('\n'),
  );
  assert.ok(!requests.some((r) => r.endsWith(`/manifests/sha256-${hex}`)), 'no sha256-<hex> fallback tag lookup when the API answers');
  const wrongKey = await validateJson(['--image', viaProxy(bundled), '--public-key', legacyKey.pub, '--ignore-rekor'], env('bundled-wrong'));
  assert.equal(wrongKey.code, 1);
  assert.deepEqual(codes(wrongKey.report.components[0] as Component), ['builtin.attestation.signature_check', 'builtin.image.signature_check']);
});

test('legacy tags and bundles both present: each key verifies its own candidates, and only verified attestations reach the policy', async () => {
  const byLegacy = await verifiedCommits(both, legacyKey, 'both-legacy');
  assert.deepEqual(byLegacy, { code: 0, commits: ['1'.repeat(40)] }, 'the legacy key verifies only the legacy attestation');
  const byBundle = await verifiedCommits(both, bundleKey, 'both-bundle');
  assert.deepEqual(byBundle, { code: 0, commits: ['2'.repeat(40)] }, 'the bundle key verifies only the bundled attestation');
  const neither = await validateJson(
    ['--image', viaProxy(both), '--public-key', (await generateKeyPair(dir, 'other')).pub, '--ignore-rekor'],
    env('both-other'),
  );
  assert.equal(neither.code, 1);
});

test('an unrelated referrer (an SBOM) does not hide legacy signatures and attestations', async () => {
  const referrers = (await (await fetch(`${reg.url}/v2/unrelated/referrers/${unrelated.digest}`)).json()) as { manifests: { artifactType?: string }[] };
  assert.deepEqual(
    referrers.manifests.map((m) => m.artifactType),
    ['application/spdx+json'],
    'the registry lists the SBOM as a referrer',
  );
  const { code, report } = await validateJson(['--image', viaProxy(unrelated), '--public-key', legacyKey.pub, '--ignore-rekor'], env('unrelated'));
  assert.equal(code, 0, JSON.stringify(report).slice(0, 1500));
});
