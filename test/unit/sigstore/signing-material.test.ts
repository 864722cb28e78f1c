// Certificate confusion: a signature checked with one certificate while identity, issuer and report
// come from another. The forged bundles are REAL ones (test/fixtures: sigstore-conformance cases
// and cosign's production bundle) with another real certificate spliced in, which no signing tool
// produces, so they are made here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateJson } from '../../support/run-cli.ts';
import { MalformedSignatureError } from '../../../src/sigstore/errors.ts';
import { legacySigningCertificate, parseBundle, parseSigningCertificate } from '../../../src/sigstore/signing-material.ts';
import { loadTrustedRoot } from '../../../src/sigstore/trust-root.ts';
import { verifyArtifactBundle } from '../../../src/sigstore/verify-artifact.ts';
import { toPem } from '../../../src/util/pem.ts';
import { CONFORMA_KEYLESS_ARGS } from '../../support/conforma-keyless.ts';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
const cases = `${fixtures}/sigstore-conformance/bundle-verify`;
const BEACON = {
  subject:
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const CODY = { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' };

type Json = Record<string, unknown> & { verificationMaterial: Record<string, unknown> };
type RawCert = { rawBytes: string };
const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, 'utf8')) as Json;
const artifact = async (): Promise<{ bytes: Buffer }> => ({ bytes: await readFile(`${cases}/a.txt`) });

/** The attacker's bundle (the beacon identity signed a.txt, v0.1 chain) and the victim's certificate (cody@soyland.com). */
async function attackerAndVictim(): Promise<{ attacker: Json; victim: RawCert }> {
  const attacker = await readJson(`${cases}/happy-path-v0.1/bundle.sigstore.json`);
  const victim = (await readJson(`${fixtures}/cosign-bundle/oci-attestation.sigstore.json`)).verificationMaterial.certificate as RawCert;
  return { attacker, victim };
}

test('the real bundles verify as they are (the forgeries below differ only by the spliced certificate)', async () => {
  const { attacker } = await attackerAndVictim();
  verifyArtifactBundle({
    bundle: JSON.stringify(attacker),
    artifact: await artifact(),
    trustedRoot: await loadTrustedRoot({ cacheDir: '/nonexistent', env: {} }),
    identity: BEACON,
  });
});

test("a bundle with both a chain and a certificate is refused as ambiguous: the victim's certificate never names the signer", async () => {
  const { attacker, victim } = await attackerAndVictim();
  attacker.verificationMaterial.certificate = victim;
  const bundle = JSON.stringify(attacker);
  assert.throws(
    () => parseBundle(bundle),
    (err: unknown) =>
      err instanceof MalformedSignatureError && /ambiguous verification material: the bundle sets x509CertificateChain and certificate/.test(err.message),
  );
  const [trustedRoot, bytes] = [await loadTrustedRoot({ cacheDir: '/nonexistent', env: {} }), await artifact()];
  assert.throws(() => verifyArtifactBundle({ bundle, artifact: bytes, trustedRoot, identity: CODY }), /ambiguous verification material/);
});

test('a chain whose second certificate is not the issuing CA (another leaf) is refused', async () => {
  const { attacker, victim } = await attackerAndVictim();
  const chain = attacker.verificationMaterial.x509CertificateChain as { certificates: RawCert[] };
  chain.certificates.push(victim);
  assert.throws(
    () => parseBundle(JSON.stringify(attacker)),
    /ambiguous verification material: the bundle's x509CertificateChain certificate 1 is not a CA certificate/,
  );
});

test('a chain that starts with the victim and carries the signer after it does not verify as the victim', async () => {
  const { attacker, victim } = await attackerAndVictim();
  const chain = attacker.verificationMaterial.x509CertificateChain as { certificates: RawCert[] };
  chain.certificates.unshift(victim);
  const [trustedRoot, bytes] = [await loadTrustedRoot({ cacheDir: '/nonexistent', env: {} }), await artifact()];
  assert.throws(
    () => verifyArtifactBundle({ bundle: JSON.stringify(attacker), artifact: bytes, trustedRoot, identity: CODY }),
    /ambiguous verification material/,
  );
});

test('a publicKey beside a certificate, or snake_case aliases Go would read, are refused', async () => {
  const bundle = await readJson(`${cases}/happy-path-v0.3/bundle.sigstore.json`);
  for (const extra of [{ publicKey: { hint: 'x' } }, { x509_certificate_chain: { certificates: [] } }]) {
    const forged = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, ...extra } };
    assert.throws(() => parseBundle(JSON.stringify(forged)), /ambiguous verification material: the bundle sets/);
  }
  assert.throws(
    () =>
      parseBundle(JSON.stringify({ ...bundle, dsseEnvelope: { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==' }] } })),
    /ambiguous verification material: the bundle sets messageSignature and dsseEnvelope/,
  );
});

test('duplicate keys in the bundle JSON are refused (JavaScript keeps the last, other readers the first)', async () => {
  const text = await readFile(`${cases}/happy-path-v0.3/bundle.sigstore.json`, 'utf8');
  const { victim } = await attackerAndVictim();
  const forged = text.replace('"certificate": {', `"certificate": ${JSON.stringify(victim)}, "certificate": {`);
  assert.notEqual(forged, text);
  assert.throws(() => parseBundle(forged), /duplicate key "certificate"/);
});

test('key mode: a keyless bundle (timestamp, no log entry) never verifies with a key it was not signed with', async () => {
  // rekor2-happy-path is signed by a Fulcio certificate with a TSA timestamp; its log entry removed,
  // @sigstore/verify would check the certificate against the trust root and ignore the given key.
  const dir = `${cases}/rekor2-happy-path`;
  const bundle = await readJson(`${dir}/bundle.sigstore.json`);
  bundle.verificationMaterial.tlogEntries = [];
  const unrelatedKey = await readFile(`${cases}/managed-key-happy-path/key.pub`, 'utf8');
  const trustedRoot = JSON.parse(await readFile(`${dir}/trusted_root.json`, 'utf8')) as unknown;
  const bytes = await artifact();
  assert.throws(
    () => verifyArtifactBundle({ bundle: JSON.stringify(bundle), artifact: bytes, trustedRoot, publicKey: unrelatedKey }),
    /signed with a certificate, not a key/,
  );
});

test('legacy annotations: exactly one certificate; the chain holds only its issuers', async () => {
  const { attacker, victim } = await attackerAndVictim();
  const signerPem = toPem(
    'CERTIFICATE',
    Buffer.from((attacker.verificationMaterial.x509CertificateChain as { certificates: RawCert[] }).certificates[0]!.rawBytes, 'base64'),
  );
  const victimPem = toPem('CERTIFICATE', Buffer.from(victim.rawBytes, 'base64'));
  assert.equal(legacySigningCertificate(signerPem, undefined).certificate.pem, signerPem);
  assert.throws(
    () => legacySigningCertificate(`${signerPem}${victimPem}`, undefined),
    /ambiguous verification material: the dev.sigstore.cosign\/certificate annotation holds 2 certificates/,
  );
  assert.throws(() => legacySigningCertificate(signerPem, victimPem), /dev.sigstore.cosign\/chain annotation certificate 1 is not a CA certificate/);
  assert.throws(() => legacySigningCertificate(signerPem, signerPem), /certificate 1 is the signing certificate again/);
  assert.throws(() => legacySigningCertificate(`junk\n${signerPem}`, undefined), /not PEM text/);
});

/**
 * A copy of the conforma keyless image (real cosign `.sig` and `.att`, Fulcio certificate, root in
 * the chain annotation) whose `.sig` layer annotations are edited by `edit`.
 */
async function conformaWithSigAnnotations(edit: (annotations: Record<string, string>, att: Record<string, string>) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-conforma-'));
  await cp(`${fixtures}/conforma-keyless-image/oci-layout`, dir, { recursive: true });
  const blob = (d: string): string => join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; size: number; annotations?: Record<string, string> }[];
  };
  const entry = (kind: string): { digest: string; size: number } => index.manifests.find((m) => m.annotations?.kind === kind)!;
  type Manifest = { layers: { annotations: Record<string, string> }[] };
  const sigs = entry('dev.cosignproject.cosign/sigs');
  const manifest = JSON.parse(await readFile(blob(sigs.digest), 'utf8')) as Manifest;
  const att = (JSON.parse(await readFile(blob(entry('dev.cosignproject.cosign/atts').digest), 'utf8')) as Manifest).layers[0]!.annotations;
  edit(manifest.layers[0]!.annotations, att);
  const bytes = Buffer.from(JSON.stringify(manifest));
  sigs.digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  sigs.size = bytes.length;
  await writeFile(blob(sigs.digest), bytes);
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return `oci:${dir}@sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee`;
}

const conformaArgs = (image: string): string[] => ['--image', image, ...CONFORMA_KEYLESS_ARGS];
type Component = { violations?: { msg: string; metadata?: { code?: string } }[] };
const signatureViolation = (report: { components: unknown[] }): string | undefined =>
  (report.components[0] as Component).violations?.find((v) => v.metadata?.code === 'builtin.image.signature_check')?.msg;

test('legacy layer: the unedited copy verifies; another leaf in the chain annotation, or a second certificate, is refused', async () => {
  const plain = await validateJson(conformaArgs(await conformaWithSigAnnotations(() => {})));
  assert.equal(signatureViolation(plain.report), undefined, JSON.stringify(plain.report).slice(0, 800));
  const leafInChain = await validateJson(
    conformaArgs(
      await conformaWithSigAnnotations((a, att) => {
        a['dev.sigstore.cosign/chain'] = `${att['dev.sigstore.cosign/certificate']!}${a['dev.sigstore.cosign/chain']!}`;
      }),
    ),
  );
  assert.equal(leafInChain.code, 1);
  assert.match(
    signatureViolation(leafInChain.report) ?? '',
    /ambiguous verification material: the dev.sigstore.cosign\/chain annotation certificate 1 is not a CA certificate/,
  );
  const twoCertificates = await validateJson(
    conformaArgs(
      await conformaWithSigAnnotations((a, att) => {
        a['dev.sigstore.cosign/certificate'] = `${a['dev.sigstore.cosign/certificate']!}${att['dev.sigstore.cosign/certificate']!}`;
      }),
    ),
  );
  assert.equal(twoCertificates.code, 1);
  assert.match(signatureViolation(twoCertificates.report) ?? '', /annotation holds 2 certificates/);
});

test('a certificate whose validity period cannot be read is refused, not reported (found by certificate.fuzz.test.ts)', async () => {
  const bundle = await readJson(`${cases}/bundle-with-root-cert_fail/bundle.sigstore.json`);
  const der = Buffer.from((bundle.verificationMaterial.x509CertificateChain as { certificates: RawCert[] }).certificates[1]!.rawBytes, 'base64');
  const at = 2084403865 % der.length;
  der[at] = der[at]! ^ 8;
  assert.throws(() => parseSigningCertificate(der, 'the certificate'), /the certificate has an unreadable validity period/);
});
