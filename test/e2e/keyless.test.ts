// Keyless and key + Rekor verification against the real Sigstore stack on loopback (Fulcio with an
// ephemeral CA, Rekor v1 on Trillian, a TSA, a TUF repository), signatures made by the real cosign.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, type KeyPair } from '../support/cosign.ts';
import { pushImage, rewriteManifest, type PushedImage } from '../support/images.ts';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { MediaType } from '../../src/oci/types.ts';
import { slsaV02 } from '../support/predicates.ts';
import { makeCa, makeLeaf } from '../support/pki.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { toolPath } from '../support/tools.ts';
import { inPrivateNetworkNamespace } from '../support/sigstore-stack/services.ts';
import { cosignAttest, cosignSign, identityToken } from '../support/sigstore-stack/sign.ts';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore-stack/stack.ts';
import { validateJson } from '../support/run-cli.ts';
import { pushBlob, pushManifest } from '../support/push.ts';

const skip = inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs the tests under unshare --net)';
const policies = fileURLToPath(new URL('../../examples/policies', import.meta.url));
let stack: SigstoreStack;
let reg: TestRegistry;
let k8s: PushedImage;
let github: PushedImage;
let keyed: PushedImage;
let bundled: PushedImage;
let keyedBundle: PushedImage;
let keyed2: PushedImage;
let late: PushedImage;
let onTime: PushedImage;
let confused: PushedImage;
let lateRoot: string;
/** `img` checked keylessly against the dated trust root, for the signer of the dated certificates. */
const lateArgs = (img: PushedImage): string[] => [
  '--image',
  img.ref,
  '--trusted-root',
  lateRoot,
  '--certificate-identity',
  'late@example.com',
  '--certificate-oidc-issuer',
  'https://issuer.example',
];
let key: KeyPair;
let env: NodeJS.ProcessEnv;

before(
  async () => {
    if (skip) return;
    stack = await startSigstoreStack({ rekor: true });
    reg = await startRegistry();
    env = { ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vouch-cache') };
    [k8s, github, keyed, bundled, keyedBundle, keyed2] = (await Promise.all(
      ['k8s', 'gh', 'keyed', 'bundled', 'keyed-bundle', 'keyed2'].map((n) => pushImage(`${reg.host}/${n}:v1`)),
    )) as [PushedImage, PushedImage, PushedImage, PushedImage, PushedImage, PushedImage];
    key = await generateKeyPair(stack.dir, 'rekor-key');
    for (const [img, identity] of [
      [k8s, 'kubernetes'],
      [github, 'github'],
    ] as const) {
      await cosignSign(stack, img.pinned, { identity, rekor: true });
      await cosignAttest(stack, img.pinned, slsaV02(), 'slsaprovenance', { identity, rekor: true });
    }
    // cosign v3's default format: Sigstore bundles as referrers (this registry has no referrers API,
    // so cosign writes the sha256-<hex> tag-schema index).
    await cosignSign(stack, bundled.pinned, { identity: 'email', rekor: true, bundles: true });
    await cosignAttest(stack, bundled.pinned, slsaV02(), 'slsaprovenance', { identity: 'email', rekor: true, bundles: true });
    await cosignSign(stack, keyedBundle.pinned, { key: key.key, rekor: true, bundles: true });
    await cosignAttest(stack, keyedBundle.pinned, slsaV02(), 'slsaprovenance', { key: key.key, rekor: true, bundles: true });
    await cosignSign(stack, keyed.pinned, { key: key.key, rekor: true });
    await cosignSign(stack, keyed2.pinned, { key: key.key, rekor: true });
    await cosignAttest(stack, keyed2.pinned, slsaV02(), 'slsaprovenance', { key: key.key, rekor: true });
    // keyed2's signature now carries keyed's Rekor entry: a valid SET, for another artifact.
    const sigTag = (img: PushedImage): string => `${img.pinned.split('@')[0]!}:${img.digest.replace(':', '-')}.sig`;
    const other = await new RegistryClient().getManifest(parseReference(sigTag(keyed)), `${keyed.digest.replace(':', '-')}.sig`);
    const otherBundle = (other!.manifest as { layers: { annotations: Record<string, string> }[] }).layers[0]!.annotations['dev.sigstore.cosign/bundle']!;
    await rewriteManifest(sigTag(keyed2), (m) => {
      (m.layers as { annotations: Record<string, string> }[])[0]!.annotations['dev.sigstore.cosign/bundle'] = otherBundle;
    });
    await cosignAttest(stack, keyed.pinned, slsaV02(), 'slsaprovenance', { key: key.key, rekor: true });
    [late, onTime] = await signWithDatedCertificates();
    // The attacker's own keyless signature (another identity, TSA only, no Rekor entry) on an image.
    confused = await pushImage(`${reg.host}/confused:v1`);
    await cosignSign(stack, confused.pinned, { identity: 'github', bundles: true });
  },
  { timeout: 300_000 },
);

/**
 * A CA of ours added to the trust root as a certificate authority, and two leaves from it carrying
 * Fulcio's issuer extension: one that expired an hour before it signed (Fulcio never issues such a
 * certificate, so openssl makes it), one valid now. Both sign with cosign and upload to Rekor, whose
 * integrated time is the signing time that verification checks the validity window against.
 */
async function signWithDatedCertificates(): Promise<[PushedImage, PushedImage]> {
  const dir = stack.dir;
  await makeCa(dir, 'dated-ca');
  const hour = 3600_000;
  await makeLeaf(dir, 'late', 'dated-ca', {
    email: 'late@example.com',
    oidcIssuer: 'https://issuer.example',
    validity: { notBefore: new Date(Date.now() - 2 * hour), notAfter: new Date(Date.now() - hour) },
  });
  await makeLeaf(dir, 'on-time', 'dated-ca', { email: 'late@example.com', oidcIssuer: 'https://issuer.example' });
  const root = JSON.parse(await readFile(stack.trustedRootPath, 'utf8')) as { certificateAuthorities: unknown[] };
  const ca = new X509Certificate(await readFile(join(dir, 'dated-ca.pem')));
  root.certificateAuthorities.push({
    subject: { organization: 'Acme', commonName: 'dated-ca' },
    uri: 'https://dated-ca.example',
    certChain: { certificates: [{ rawBytes: ca.raw.toString('base64') }] },
    validFor: { start: new Date(Date.parse(ca.validFrom) - 3 * hour).toISOString() },
  });
  lateRoot = join(dir, 'dated-root.json');
  await writeFile(lateRoot, JSON.stringify(root));
  const images = (await Promise.all(['late', 'on-time'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [PushedImage, PushedImage];
  for (const [name, img] of [
    ['late', images[0]],
    ['on-time', images[1]],
  ] as const) {
    await promisify(execFile)(toolPath('cosign'), ['import-key-pair', '--key', join(dir, `${name}.key`), '--output-key-prefix', join(dir, `${name}-cosign`)], {
      env: { ...process.env, COSIGN_PASSWORD: '' },
    });
    const opts = { key: join(dir, `${name}-cosign.key`), certificate: join(dir, `${name}.pem`), rekor: true, trustedRoot: lateRoot };
    await cosignSign(stack, img.pinned, opts);
    await cosignAttest(stack, img.pinned, slsaV02(), 'slsaprovenance', opts);
  }
  return images;
}
after(async () => {
  if (skip) return;
  await reg.stop();
  await stack.stop();
});

type Component = { success: boolean; violations?: { msg: string; metadata?: { code?: string } }[]; signatures?: { metadata?: Record<string, string> }[] };
const trust = (): string[] => ['--trusted-root', stack.trustedRootPath];

test('keyless (Kubernetes service account): Fulcio chain, Rekor SET, identity and issuer', { skip }, async () => {
  const id = identityToken(stack, 'kubernetes');
  const { code, report } = await validateJson(['--image', k8s.ref, ...trust(), '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer], env);
  assert.equal(code, 0, JSON.stringify(report).slice(0, 1500));
  const meta = (report.components[0] as Component).signatures![0]!.metadata!;
  assert.equal(meta['Subject Alternative Name'], `URIs:${id.san}`);
  assert.equal(meta['Fulcio Issuer (V2)'], id.issuer);
});

test('keyless (GitHub workflow): Fulcio extensions reach the report and the policy', { skip }, async () => {
  const id = identityToken(stack, 'github');
  const args = [
    '--image',
    github.ref,
    ...trust(),
    '--certificate-identity-regexp',
    '^https://github\\.com/acme/widget/',
    '--certificate-oidc-issuer',
    id.issuer,
  ];
  const { code, report } = await validateJson(args, env);
  assert.equal(code, 0);
  const meta = (report.components[0] as Component).signatures![0]!.metadata!;
  assert.equal(meta['Fulcio Source Repository URI'], 'https://github.com/acme/widget');
  assert.equal(meta['Fulcio Build Trigger'], 'push');
  assert.equal(meta['Fulcio Runner Environment'], 'github-hosted');
  const policy = JSON.stringify({
    sources: [
      { policy: [policies], config: { include: ['signer_identity'] }, ruleData: { allowed_oidc_issuers: ['https://token.actions.githubusercontent.com'] } },
    ],
  });
  const judged = await validateJson([...args, '--policy', policy], env);
  assert.equal(judged.code, 1);
  assert.match(
    (judged.report.components[0] as Component).violations![0]!.msg,
    new RegExp(
      `Signature certified for issuer "${id.issuer.replace(/[.]/g, '\\.')}", which is not in \\["https://token\\.actions\\.githubusercontent\\.com"\\]`,
    ),
  );
});

test('keyless negatives: another identity, an unanchored-looking trap, another issuer', { skip }, async () => {
  const id = identityToken(stack, 'kubernetes');
  for (const flags of [
    ['--certificate-identity', 'https://kubernetes.io/namespaces/build/serviceaccounts/other', '--certificate-oidc-issuer', id.issuer],
    ['--certificate-identity-regexp', '^https://kubernetes\\.io/namespaces/build/serviceaccounts/signe$', '--certificate-oidc-issuer', id.issuer],
    ['--certificate-identity', id.san, '--certificate-oidc-issuer', stack.issuers.email.url],
  ]) {
    const { code, report } = await validateJson(['--image', k8s.ref, ...trust(), ...flags], env);
    assert.equal(code, 1, flags.join(' '));
    assert.match((report.components[0] as Component).violations![0]!.msg, /none of the expected identities matched/);
  }
});

test('key + Rekor: verified offline from the SET; a trust root without that Rekor fails', { skip }, async () => {
  const ok = await validateJson(['--image', keyed.ref, '--public-key', key.pub, ...trust()], env);
  assert.equal(ok.code, 0, JSON.stringify(ok.report).slice(0, 1500));
  // The stack's root without its transparency logs (an empty root is a configuration error, exit 2).
  const emptyRoot = join(stack.dir, 'no-rekor-root.json');
  await writeFile(emptyRoot, JSON.stringify({ ...(JSON.parse(await readFile(stack.trustedRootPath, 'utf8')) as object), tlogs: [] }));
  const unknownLog = await validateJson(['--image', keyed.ref, '--public-key', key.pub, '--trusted-root', emptyRoot], env);
  assert.equal(unknownLog.code, 1);
  assert.match((unknownLog.report.components[0] as Component).violations![0]!.msg, /transparency log|SET/);
  const ignored = await validateJson(['--image', keyed.ref, '--public-key', key.pub, '--ignore-rekor', '--trusted-root', emptyRoot], env);
  assert.equal(ignored.code, 0, '--ignore-rekor does not read the SET');
});

test('the trust root from the loopback TUF repository (--tuf-mirror + --tuf-root)', { skip }, async () => {
  const id = identityToken(stack, 'kubernetes');
  const { code } = await validateJson(
    [
      '--image',
      k8s.ref,
      '--tuf-mirror',
      stack.tuf.url,
      '--tuf-root',
      stack.tuf.rootPath,
      '--certificate-identity',
      id.san,
      '--certificate-oidc-issuer',
      id.issuer,
    ],
    env,
  );
  assert.equal(code, 0);
});

test('cosign v3 bundles (keyless, via the referrers tag schema): signature and attestation verify; the wrong identity fails', { skip }, async () => {
  const id = identityToken(stack, 'email');
  const { code, report } = await validateJson(
    ['--image', bundled.ref, ...trust(), '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer, '--show-successes'],
    env,
  );
  assert.equal(code, 0, JSON.stringify(report).slice(0, 2000));
  const c = report.components[0] as Component & { attestations: { predicateType: string; predicateBuildType?: string }[] };
  assert.equal(c.signatures![0]!.metadata!['Subject Alternative Name'], `Email Addresses:${id.san}`);
  assert.deepEqual(
    c.attestations.map((a) => a.predicateType),
    ['https://slsa.dev/provenance/v0.2'],
  );
  const wrong = await validateJson(
    ['--image', bundled.ref, ...trust(), '--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', id.issuer],
    env,
  );
  assert.equal(wrong.code, 1);
  assert.match((wrong.report.components[0] as Component).violations![0]!.msg, /none of the expected identities matched/);
});

test('cosign v3 bundles signed with a key + Rekor verify; another key fails', { skip }, async () => {
  const ok = await validateJson(['--image', keyedBundle.ref, '--public-key', key.pub, ...trust()], env);
  assert.equal(ok.code, 0, JSON.stringify(ok.report).slice(0, 2000));
  const other = await generateKeyPair(stack.dir, 'other-key');
  const bad = await validateJson(['--image', keyedBundle.ref, '--public-key', other.pub, ...trust()], env);
  assert.equal(bad.code, 1);
});

test(
  "cosign's trust overrides (SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY, SIGSTORE_TSA_CERTIFICATE_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE) replace the embedded root",
  { skip },
  async () => {
    const id = identityToken(stack, 'kubernetes');
    const files = {
      root: join(stack.dir, 'fulcio-root.pem'),
      rekor: join(stack.dir, 'rekor.pub'),
      tsa: join(stack.dir, 'tsa-chain.pem'),
      ct: join(stack.dir, 'ctlog.pem'),
    };
    await writeFile(files.root, await (await fetch(`${stack.fulcioUrl}/api/v1/rootCert`)).text());
    await writeFile(files.rekor, stack.rekor!.publicKeyPem);
    await writeFile(files.tsa, await (await fetch(`${stack.tsaUrl}/api/v1/timestamp/certchain`)).text());
    await writeFile(files.ct, stack.ctlog.publicKeyPem);
    const args = ['--image', k8s.ref, '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer, '--rekor-url', stack.rekor!.url];
    const overrides = {
      SIGSTORE_ROOT_FILE: files.root,
      SIGSTORE_REKOR_PUBLIC_KEY: files.rekor,
      SIGSTORE_TSA_CERTIFICATE_FILE: files.tsa,
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: files.ct,
    };
    const withOverrides = await validateJson(args, { ...env, ...overrides });
    assert.equal(withOverrides.code, 0, JSON.stringify(withOverrides.report).slice(0, 1500));
    const embeddedOnly = await validateJson(args, env);
    assert.equal(embeddedOnly.code, 1, 'the production root does not trust the loopback Fulcio');
  },
);

test('key + Rekor: a valid SET for another artifact (an entry copied from another signature) is rejected', { skip }, async () => {
  const { code, report } = await validateJson(['--image', keyed2.ref, '--public-key', key.pub, ...trust()], env);
  assert.equal(code, 1);
  const violations = (report.components[0] as Component).violations!;
  assert.deepEqual(
    violations.map((v) => (v as { metadata?: { code?: string } }).metadata?.code),
    ['builtin.image.signature_check'],
  );
  assert.match(violations[0]!.msg, /transparency log entry is for another signature or artifact/);
});

test('a certificate expired at signing time fails; the same CA and identity with a valid certificate pass', { skip }, async () => {
  // Our CA logs to no CT log, so SCTs are waived here (what a private CA without CT needs).
  const args = (img: PushedImage): string[] => [...lateArgs(img), '--insecure-ignore-sct'];
  const ok = await validateJson(args(onTime), env);
  assert.equal(ok.code, 0, JSON.stringify(ok.report).slice(0, 1500));
  const { code, report } = await validateJson(args(late), env);
  assert.equal(code, 1);
  const violations = (report.components[0] as Component).violations!;
  assert.deepEqual(
    violations.map((v) => (v as { metadata?: { code?: string } }).metadata?.code),
    ['builtin.attestation.signature_check', 'builtin.image.signature_check'],
  );
  for (const v of violations) assert.match(v.msg, /the certificate was not valid at signing time: .*\(it had expired when it signed\)/);
});

test(
  'SCTs: Fulcio certificates carry one from the loopback CT log; without that log in the trust root they fail, even with --insecure-ignore-sct',
  { skip },
  async () => {
    const id = identityToken(stack, 'kubernetes');
    const root = JSON.parse(await readFile(stack.trustedRootPath, 'utf8')) as { ctlogs: unknown[] };
    assert.equal(root.ctlogs.length, 1);
    const noCt = join(stack.dir, 'no-ct-root.json');
    await writeFile(noCt, JSON.stringify({ ...root, ctlogs: [] }));
    const args = ['--image', k8s.ref, '--trusted-root', noCt, '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer];
    const strict = await validateJson(args, env);
    assert.equal(strict.code, 1);
    assert.match((strict.report.components[0] as Component).violations![0]!.msg, /the trust root lists no certificate transparency log.*--insecure-ignore-sct/);
    // The waiver covers a missing SCT, not one that cannot be checked (docs/compatibility.md).
    const waived = await validateJson([...args, '--insecure-ignore-sct'], env);
    assert.equal(waived.code, 1);
    assert.match((waived.report.components[0] as Component).violations![0]!.msg, /SCT does not verify with a CT log of the trust root/);
    // Another key under the CT log's ID: the SCT's signature does not verify.
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
    const forged = join(stack.dir, 'forged-ct-root.json');
    const entry = root.ctlogs[0] as { publicKey: { rawBytes: string } };
    await writeFile(forged, JSON.stringify({ ...root, ctlogs: [{ ...entry, publicKey: { ...entry.publicKey, rawBytes: other.toString('base64') } }] }));
    const wrongKey = await validateJson(
      ['--image', k8s.ref, '--trusted-root', forged, '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer],
      env,
    );
    assert.equal(wrongKey.code, 1);
    assert.match((wrongKey.report.components[0] as Component).violations![0]!.msg, /SCT does not verify/);
  },
);

test('SCTs: a certificate without one (a private CA) fails unless --insecure-ignore-sct', { skip }, async () => {
  const args = lateArgs(onTime);
  const { code, report } = await validateJson(args, env);
  assert.equal(code, 1);
  assert.match((report.components[0] as Component).violations![0]!.msg, /the certificate has no SCT from a trusted CT log .*--insecure-ignore-sct/);
  assert.equal((await validateJson([...args, '--insecure-ignore-sct'], env)).code, 0);
});

type Json = Record<string, unknown>;
type BundleReferrer = { manifest: Json & { layers: Json[] }; bundle: Json & { verificationMaterial: Json }; isSignature: boolean };

/** The Sigstore bundles cosign attached to an image (this registry: the sha256-<hex> tag-schema index). */
async function referrerBundles(img: PushedImage): Promise<BundleReferrer[]> {
  const client = new RegistryClient({ env: {} });
  const ref = parseReference(img.pinned);
  const out: BundleReferrer[] = [];
  for (const d of await client.referrers(ref, img.digest)) {
    const fetched = (await client.getManifest(ref, d.digest))!;
    const manifest = JSON.parse(fetched.bytes.toString('utf8')) as BundleReferrer['manifest'];
    const layer = manifest.layers[0] as { digest: string; size: number };
    const bundle = JSON.parse((await client.getBlob(ref, layer)).toString('utf8')) as BundleReferrer['bundle'];
    const statement = JSON.parse(Buffer.from((bundle.dsseEnvelope as { payload: string }).payload, 'base64').toString('utf8')) as { predicateType: string };
    out.push({ manifest, bundle, isSignature: statement.predicateType === 'https://sigstore.dev/cosign/sign/v1' });
  }
  return out;
}

/** Attaches one more bundle to the image, in a manifest like cosign's, listed in the tag-schema index. */
async function attachBundle(img: PushedImage, like: BundleReferrer['manifest'], bundle: Json): Promise<void> {
  const client = new RegistryClient({ env: {} });
  const ref = parseReference(img.pinned);
  const blob = await pushBlob(ref, Buffer.from(JSON.stringify(bundle)));
  const manifest = { ...like, layers: [{ ...like.layers[0], digest: blob.digest, size: blob.size }] };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await pushManifest(ref, digest, bytes, MediaType.OciManifest);
  const tag = img.digest.replace(':', '-');
  const index = JSON.parse((await client.getManifest(ref, tag))!.bytes.toString('utf8')) as { manifests: Json[] };
  index.manifests.push({ mediaType: MediaType.OciManifest, digest, size: bytes.length, artifactType: like.artifactType });
  await pushManifest(ref, tag, Buffer.from(JSON.stringify(index)), MediaType.OciIndex);
}

const signatureViolation = (report: { components: unknown[] }): string | undefined =>
  (report.components[0] as Component).violations?.find((v) => v.metadata?.code === 'builtin.image.signature_check')?.msg;

test(
  "certificate confusion: the attacker's real bundle with the victim's certificate spliced beside its chain is refused as ambiguous, never verified as the victim",
  { skip },
  async () => {
    const victim = identityToken(stack, 'email');
    const attacker = identityToken(stack, 'github');
    const [own] = (await referrerBundles(confused)).filter((b) => b.isSignature);
    const victimCertificate = (await referrerBundles(bundled)).find((b) => b.isSignature)!.bundle.verificationMaterial.certificate;
    assert.ok(own && victimCertificate);
    // The attacker's bundle verifies as the attacker: the splice below is the only forgery.
    const asAttacker = await validateJson(
      ['--image', confused.ref, ...trust(), '--certificate-identity', attacker.san, '--certificate-oidc-issuer', attacker.issuer],
      env,
    );
    assert.equal(signatureViolation(asAttacker.report), undefined, JSON.stringify(asAttacker.report).slice(0, 1500));
    // @sigstore/verify checks the signature with the chain (protobuf's oneof takes it before
    // `certificate`); a reader taking `certificate` first would see the victim.
    const vm = own.bundle.verificationMaterial;
    const forged = {
      ...own.bundle,
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: { ...vm, x509CertificateChain: { certificates: [vm.certificate] }, certificate: victimCertificate },
    };
    await attachBundle(confused, own.manifest, forged);
    const { code, report } = await validateJson(
      ['--image', confused.ref, ...trust(), '--certificate-identity', victim.san, '--certificate-oidc-issuer', victim.issuer],
      env,
    );
    assert.equal(code, 1);
    assert.match(signatureViolation(report) ?? '', /ambiguous verification material: the bundle sets x509CertificateChain and certificate/);
  },
);

test('organisation CA configured: a bundle signed keyless by the loopback Fulcio fails, even with the Sigstore trust root at hand', { skip }, async () => {
  await makeCa(stack.dir, 'org-root');
  const id = identityToken(stack, 'email');
  const { code, report } = await validateJson(
    [
      '--image',
      bundled.ref,
      ...trust(),
      '--ca-roots',
      join(stack.dir, 'org-root.pem'),
      '--certificate-identity',
      id.san,
      '--certificate-oidc-issuer',
      id.issuer,
    ],
    env,
  );
  assert.equal(code, 1);
  assert.match(signatureViolation(report) ?? '', /does not chain to a configured CA/);
});
