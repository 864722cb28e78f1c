// Which certificate check of @sigstore/verify failed is told from the certificate and the trust
// material, never from its message: cosign's production bundle (a Fulcio certificate with an SCT,
// test/fixtures) against its trust root changed one way at a time, and an openssl-made certificate
// from a private CA (no SCT). Each refusal keeps its words and gets its own code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { VerificationError, toTrustMaterial } from '@sigstore/verify';
import { certificateFault } from '../../../src/sigstore/certificate-fault.ts';
import { SignatureRejected } from '../../../src/sigstore/errors.ts';
import { verifyArtifactBundle } from '../../../src/sigstore/verify-artifact.ts';
import { makeCa, makeLeaf } from '../../support/pki.ts';

const dir = fileURLToPath(new URL('../../fixtures/cosign-bundle', import.meta.url));
type Root = { ctlogs: { logId: { keyId: string }; publicKey: { rawBytes: string; keyDetails: string } }[]; certificateAuthorities: unknown[] };
let bundle: string;
let root: Root;
let leaf: X509Certificate;
let artifact: { sha256: string };
const identity = { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' };
const material = (r: unknown) => toTrustMaterial(TrustedRoot.fromJSON(r));

before(async () => {
  bundle = await readFile(join(dir, 'oci-attestation.sigstore.json'), 'utf8');
  root = JSON.parse(await readFile(join(dir, 'trusted_root_pgi.json'), 'utf8')) as Root;
  const parsed = JSON.parse(bundle) as { verificationMaterial: { certificate: { rawBytes: string } }; dsseEnvelope: { payload: string } };
  leaf = X509Certificate.parse(Buffer.from(parsed.verificationMaterial.certificate.rawBytes, 'base64'));
  const statement = JSON.parse(Buffer.from(parsed.dsseEnvelope.payload, 'base64').toString('utf8')) as { subject: { digest: { sha256: string } }[] };
  artifact = { sha256: statement.subject[0]!.digest.sha256 };
});

/** The trust root with every CT log's key replaced by a stranger's, under the same log IDs. */
function forgedCtLogs(): Root {
  const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const r = structuredClone(root);
  for (const log of r.ctlogs) log.publicKey = { ...log.publicKey, rawBytes: stranger, keyDetails: 'PKIX_ECDSA_P256_SHA_256' };
  return r;
}

const rejected =
  (code: string, message: RegExp) =>
  (err: unknown): boolean =>
    err instanceof SignatureRejected &&
    err.code === code &&
    message.test(err.message) &&
    err.cause instanceof VerificationError &&
    err.cause.code === 'CERTIFICATE_ERROR';

test('the Fulcio certificate and its own trust root: no SCT or chain fault is found', () => {
  assert.equal(certificateFault(leaf, material(root), 1), 'chain');
  verifyArtifactBundle({ bundle, artifact, trustedRoot: root, identity });
});

test('an SCT that no CT log of the trust root signed: SCT_INVALID, with the words users know', () => {
  assert.equal(certificateFault(leaf, material(forgedCtLogs()), 1), 'sct-invalid');
  assert.equal(certificateFault(leaf, material({ ...root, ctlogs: [] }), 0), 'sct-invalid', 'every SCT carried is checked, whatever the threshold');
  assert.throws(
    () => verifyArtifactBundle({ bundle, artifact, trustedRoot: forgedCtLogs(), identity }),
    rejected(
      'SCT_INVALID',
      /^the certificate's SCT does not verify with a CT log of the trust root \(an unknown log, or a forged timestamp\); vouch checks every SCT a certificate carries, even with --insecure-ignore-sct$/,
    ),
  );
});

test('a certificate from a CA the trust root does not hold: CERTIFICATE_UNTRUSTED, the chain named before any SCT', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'vouch-fault-'));
  await makeCa(scratch, 'other');
  const otherCa = new NodeX509Certificate(await readFile(join(scratch, 'other.pem'))).raw.toString('base64');
  const foreign = {
    ...forgedCtLogs(),
    certificateAuthorities: [
      {
        subject: { organization: 'o', commonName: 'o' },
        uri: 'https://o',
        certChain: { certificates: [{ rawBytes: otherCa }] },
        validFor: { start: '2000-01-01T00:00:00Z' },
      },
    ],
  };
  assert.equal(certificateFault(leaf, material(foreign), 1), 'chain');
  assert.throws(
    () => verifyArtifactBundle({ bundle, artifact, trustedRoot: foreign, identity }),
    rejected('CERTIFICATE_UNTRUSTED', /^the certificate does not chain to a trusted root: /),
  );
});

test('a private CA certificate without an SCT: missing when one is required, no SCT fault when not', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'vouch-fault-'));
  await makeCa(scratch, 'ca');
  await makeLeaf(scratch, 'leaf', 'ca', { email: 'dev@example.com' });
  const pem = async (name: string): Promise<Buffer<ArrayBuffer>> =>
    Buffer.from((await readFile(join(scratch, `${name}.pem`), 'utf8')).replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const privateLeaf = X509Certificate.parse(await pem('leaf'));
  const privateRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: root.ctlogs,
    timestampAuthorities: [],
    certificateAuthorities: [
      {
        subject: { organization: 'Acme', commonName: 'ca' },
        uri: 'https://ca',
        certChain: { certificates: [{ rawBytes: (await pem('ca')).toString('base64') }] },
        validFor: { start: '2000-01-01T00:00:00Z' },
      },
    ],
  };
  assert.equal(certificateFault(privateLeaf, material(privateRoot), 1), 'sct-missing');
  assert.equal(certificateFault(privateLeaf, material(privateRoot), 0), 'chain');
});
