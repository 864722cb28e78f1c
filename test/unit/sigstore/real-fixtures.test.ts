// Real-world signatures made by other projects with real Sigstore services (test/fixtures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { validateJson } from '../../support/run-cli.ts';

// conforma/cli's keyless test image (legacy .sig/.att, Fulcio certificate, Rekor SETs), saved
// with `cosign save`, and the trusted root recorded with it.
const fixture = fileURLToPath(new URL('../../fixtures/conforma-keyless-image', import.meta.url));
const image = `oci:${fixture}/oci-layout@sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee`;
const SA = 'https://kubernetes.io/namespaces/default/serviceaccounts/default';
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const base = ['--image', image, '--trusted-root', `${fixture}/trusted_root.json`];

type Component = {
  success: boolean;
  violations?: { msg: string }[];
  signatures?: { keyid: string; certificate?: string; chain?: string[]; metadata?: Record<string, string> }[];
};

test('the conforma keyless image verifies: Fulcio chain, Rekor SETs offline, identity and issuer', async () => {
  const { code, report } = await validateJson([...base, '--certificate-identity', SA, '--certificate-oidc-issuer', ISSUER]);
  assert.equal(code, 0, JSON.stringify(report).slice(0, 1500));
  const c = report.components[0] as Component;
  const sig = c.signatures![0]!;
  assert.match(sig.keyid, /^[0-9a-f]{40}$/);
  assert.match(sig.certificate!, /^-----BEGIN CERTIFICATE-----/);
  assert.equal(sig.chain!.length, 1);
  assert.equal(sig.metadata!['Subject Alternative Name'], `URIs:${SA}`);
  assert.equal(sig.metadata!['Fulcio Issuer (V2)'], ISSUER);
  assert.equal(report.key, '');
});

test('regexp identities are matched as cosign does (unanchored unless anchored)', async () => {
  const ok = await validateJson([
    ...base,
    '--certificate-identity-regexp',
    '^https://kubernetes\\.io/namespaces/default/',
    '--certificate-oidc-issuer-regexp',
    'cluster\\.local$',
  ]);
  assert.equal(ok.code, 0);
  const trap = await validateJson([
    ...base,
    '--certificate-identity-regexp',
    '^https://kubernetes\\.io/namespaces/default/serviceaccounts/defaul$',
    '--certificate-oidc-issuer',
    ISSUER,
  ]);
  assert.equal(trap.code, 1);
});

test('another identity, another issuer, or another trust root fail with clear messages', async () => {
  const identity = await validateJson([...base, '--certificate-identity', `${SA}-other`, '--certificate-oidc-issuer', ISSUER]);
  const msgs = (identity.report.components[0] as Component).violations!.map((v) => v.msg);
  assert.ok(
    msgs.every((m) =>
      /none of the expected identities matched what was in the certificate, got subjects \[https:\/\/kubernetes\.io\/namespaces\/default\/serviceaccounts\/default\] with issuer https:\/\/kubernetes\.default\.svc\.cluster\.local/.test(
        m,
      ),
    ),
    msgs.join('\n'),
  );
  const issuer = await validateJson([...base, '--certificate-identity', SA, '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(issuer.code, 1);
  // The production trust root does not contain this deployment's CA.
  const production = await validateJson(['--image', image, '--certificate-identity', SA, '--certificate-oidc-issuer', ISSUER]);
  assert.equal(production.code, 1);
  assert.match((production.report.components[0] as Component).violations![0]!.msg, /does not chain to a trusted root|trusted transparency log|SET/);
});

test('a key cannot verify a keyless signature', async () => {
  const key = fileURLToPath(new URL('../../fixtures/sigstore-conformance/bundle-verify/managed-key-happy-path/key.pub', import.meta.url));
  const run = await validateJson(['--image', image, '--public-key', key, '--ignore-rekor']);
  assert.equal(run.code, 1);
});

test("cosign's production attestation bundle verifies offline against its trusted root; another identity fails", async () => {
  const { readFile } = await import('node:fs/promises');
  const { verifyArtifactBundle } = await import('../../../src/sigstore/verify-artifact.ts');
  const dir = fileURLToPath(new URL('../../fixtures/cosign-bundle', import.meta.url));
  const bundle = await readFile(`${dir}/oci-attestation.sigstore.json`, 'utf8');
  const statement = JSON.parse(Buffer.from((JSON.parse(bundle) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString('utf8')) as {
    subject: { digest: { sha256: string } }[];
  };
  const trustedRoot = JSON.parse(await readFile(`${dir}/trusted_root_pgi.json`, 'utf8')) as unknown;
  const artifact = { sha256: statement.subject[0]!.digest.sha256 };
  verifyArtifactBundle({ bundle, artifact, trustedRoot, identity: { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' } });
  assert.throws(
    () => verifyArtifactBundle({ bundle, artifact, trustedRoot, identity: { subject: 'someone@example.com', issuer: 'https://github.com/login/oauth' } }),
    /none of the expected identities matched/,
  );
  assert.throws(
    () =>
      verifyArtifactBundle({
        bundle,
        artifact: { sha256: '0'.repeat(64) },
        trustedRoot,
        identity: { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' },
      }),
    /no subject of the statement has the artifact digest/,
  );
});
