// Signed payloads with keys two readers resolve differently, signed by the real cosign: a
// simple-signing payload given to `cosign sign --payload` (kept byte for byte) whose `critical`
// names this image and whose `Critical` names another (Go's decoder, as in cosign and ec, keeps the
// last case variant, JavaScript the exact key), and an attestation whose predicate has two keys
// differing only in case (cosign keeps both: Go maps are case-sensitive). vouch refuses both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';
import { toolPath } from '../support/tools.ts';

let reg: TestRegistry;
let dir: string;
let key: KeyPair;
let twoClaims: PushedImage;
let caseVariants: PushedImage;

const claim = (reference: string, digest: string): string =>
  `{"identity":{"docker-reference":"${reference}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"}`;

before(
  async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'vouch-payloads-'));
    key = await generateKeyPair(dir, 'payloads');
    [twoClaims, caseVariants] = (await Promise.all(['two-claims', 'case-variants'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [PushedImage, PushedImage];
    const payload = join(dir, 'payload.json');
    await writeFile(
      payload,
      `{"critical":${claim(`${reg.host}/two-claims`, twoClaims.digest)},"Critical":${claim('elsewhere', `sha256:${'0'.repeat(64)}`)},"optional":null}`,
    );
    await promisify(execFile)(
      toolPath('cosign'),
      [
        'sign',
        '--yes',
        '--key',
        key.key,
        '--payload',
        payload,
        '--tlog-upload=false',
        '--new-bundle-format=false',
        '--use-signing-config=false',
        twoClaims.pinned,
      ],
      {
        env: { ...process.env, HOME: dir, COSIGN_PASSWORD: '' },
      },
    );
    await sign(dir, caseVariants.pinned, key);
    await attest(
      dir,
      caseVariants.pinned,
      key,
      { buildType: 'https://example.com/a', BuildType: 'https://example.com/b' },
      'https://example.com/case-variants/v1',
    );
  },
  { timeout: 180_000 },
);
after(async () => {
  await reg.stop();
});

type Component = { violations?: { msg: string; metadata?: { code?: string } }[] };
const violation = (report: { components: unknown[] }, code: string): string | undefined =>
  (report.components[0] as Component).violations?.find((v) => v.metadata?.code === code)?.msg;

test("a simple-signing payload with `critical` and `Critical` (cosign sign --payload) is refused, not read as this image's claim", async () => {
  const { code, report } = await validateJson(['--image', twoClaims.ref, '--public-key', key.pub, '--ignore-rekor']);
  assert.equal(code, 1);
  assert.match(violation(report, 'builtin.image.signature_check') ?? '', /not simple-signing JSON: keys "critical" and "Critical" differ only in case/);
});

test('an attestation whose predicate has keys differing only in case is refused; the signature of the same image passes', async () => {
  const { code, report } = await validateJson(['--image', caseVariants.ref, '--public-key', key.pub, '--ignore-rekor']);
  assert.equal(code, 1);
  assert.equal(violation(report, 'builtin.image.signature_check'), undefined);
  assert.match(
    violation(report, 'builtin.attestation.signature_check') ?? '',
    /attestation payload is not JSON: keys "BuildType" and "buildType" differ only in case|keys "buildType" and "BuildType" differ only in case/,
  );
});
