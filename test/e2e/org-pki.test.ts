// The SignPath flow: a signature made outside cosign with a key whose certificate chains to an
// organisation CA (`cosign generate` → external signature → `cosign attach signature`), verified
// with --certificate-chain or --ca-roots/--ca-intermediates. Certificates are made by openssl. The
// same key and certificate also sign cosign v3 bundles (`cosign sign --key --certificate`), which
// obey the organisation CA too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pushImage } from '../support/images.ts';
import { makeCa, makeLeaf } from '../support/pki.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';
import { toolPath } from '../support/tools.ts';

const run = promisify(execFile);
let reg: TestRegistry;
let dir: string;

const ca = (name: string, issuer?: string): Promise<void> => makeCa(dir, name, issuer);
const leaf = (name: string, issuer: string, email: string): Promise<void> => makeLeaf(dir, name, issuer, { email });

/** Signs the image the SignPath way and attaches the signature, certificate and chain with cosign. */
async function signExternally(image: string, leafName: string, chain: string[]): Promise<void> {
  const env = { ...process.env, HOME: dir };
  const payload = join(dir, `${leafName}-payload.json`);
  await writeFile(payload, (await run(toolPath('cosign'), ['generate', image], { env })).stdout);
  await run('openssl', ['dgst', '-sha256', '-sign', join(dir, `${leafName}.key`), '-out', join(dir, `${leafName}.sig`), payload]);
  await writeFile(join(dir, `${leafName}.sig.b64`), (await readFile(join(dir, `${leafName}.sig`))).toString('base64'));
  const chainFile = join(dir, `${leafName}-chain.pem`);
  await writeFile(chainFile, (await Promise.all(chain.map((c) => readFile(join(dir, `${c}.pem`), 'utf8')))).join(''));
  await run(
    toolPath('cosign'),
    [
      'attach',
      'signature',
      '--payload',
      payload,
      '--signature',
      join(dir, `${leafName}.sig.b64`),
      '--certificate',
      join(dir, `${leafName}.pem`),
      '--certificate-chain',
      chainFile,
      image,
    ],
    { env },
  );
}

/**
 * Signs the image with cosign v3 as a Sigstore bundle (a referrer), with the leaf's key and
 * certificate, and the chain inside the bundle when given. No transparency log: an organisation CA.
 */
async function signBundle(image: string, leafName: string, chain?: string[]): Promise<void> {
  const env = { ...process.env, HOME: dir, COSIGN_PASSWORD: '' };
  const prefix = join(dir, `${leafName}-cosign`);
  if (!existsSync(`${prefix}.key`))
    await run(toolPath('cosign'), ['import-key-pair', '--key', join(dir, `${leafName}.key`), '--output-key-prefix', prefix], { env });
  const chainArgs: string[] = [];
  if (chain) {
    const chainFile = join(dir, `${leafName}-bundle-chain.pem`);
    await writeFile(chainFile, (await Promise.all(chain.map((c) => readFile(join(dir, `${c}.pem`), 'utf8')))).join(''));
    chainArgs.push('--certificate-chain', chainFile);
  }
  await run(
    toolPath('cosign'),
    [
      'sign',
      '--yes',
      '--key',
      `${prefix}.key`,
      '--certificate',
      join(dir, `${leafName}.pem`),
      ...chainArgs,
      '--new-bundle-format=true',
      '--tlog-upload=false',
      '--use-signing-config=false',
      image,
    ],
    { env },
  );
}

let good: string;
let smuggled: string;
let bundled: string;
let bundledWithChain: string;
let evilBundle: string;

before(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'vouch-pki-'));
  await ca('root');
  await ca('intermediate', 'root');
  await leaf('signer', 'intermediate', 'signer@acme.example');
  await writeFile(join(dir, 'chain.pem'), `${await readFile(join(dir, 'intermediate.pem'), 'utf8')}${await readFile(join(dir, 'root.pem'), 'utf8')}`);
  // An attacker's own self-signed CA, its chain carried in the signature's annotation.
  await ca('evil-root');
  await leaf('evil', 'evil-root', 'signer@acme.example');
  const [a, b, c, d, e] = await Promise.all(
    ['pki', 'pki-evil', 'pki-bundle', 'pki-bundle-chain', 'pki-bundle-evil'].map((n) => pushImage(`${reg.host}/${n}:v1`)),
  );
  good = a!.pinned;
  smuggled = b!.pinned;
  bundled = c!.pinned;
  bundledWithChain = d!.pinned;
  evilBundle = e!.pinned;
  await signExternally(good, 'signer', ['intermediate', 'root']);
  await signExternally(smuggled, 'evil', ['evil-root']);
  // cosign v3 writes a v0.3 bundle with the certificate, or with an x509CertificateChain (leaf,
  // intermediate: cosign drops the root) when given the chain.
  await signBundle(bundled, 'signer');
  await signBundle(bundledWithChain, 'signer', ['intermediate', 'root']);
  await signBundle(evilBundle, 'evil', ['evil-root']);
});
after(async () => {
  await reg.stop();
});

type Report = { components: { violations?: { msg: string; metadata?: { code?: string } }[]; signatures?: { metadata?: Record<string, string> }[] }[] };
const codes = (r: Report): string[] => (r.components[0]!.violations ?? []).map((v) => String(v.metadata?.code));
/** Both ways to name the organisation's CAs: the chain file, or roots and intermediates apart. */
const PKI_FLAGS = (): string[][] => [
  ['--certificate-chain', join(dir, 'chain.pem')],
  ['--ca-roots', join(dir, 'root.pem'), '--ca-intermediates', join(dir, 'intermediate.pem')],
];
/** `image` checked against the organisation's chain (or `pki`) for the signer `identity`, any issuer. */
const orgArgs = (image: string, identity = 'signer@acme.example', pki = PKI_FLAGS()[0]!): string[] => [
  '--image',
  image,
  ...pki,
  '--certificate-identity',
  identity,
  '--certificate-oidc-issuer-regexp',
  '.*',
];

test('a signature chaining to the organisation CA passes the signature check (--certificate-chain and --ca-roots)', async () => {
  for (const pki of PKI_FLAGS()) {
    const { report } = await validateJson(orgArgs(good, undefined, pki));
    const r = report as unknown as Report;
    assert.deepEqual(codes(r), ['builtin.attestation.signature_check'], JSON.stringify(r.components[0]).slice(0, 800));
    assert.equal(r.components[0]!.signatures?.[0]?.metadata?.['Subject Alternative Name'], 'Email Addresses:signer@acme.example');
  }
});

test('a self-signed chain smuggled in the signature annotation is never an anchor; another identity fails', async () => {
  const { report } = await validateJson(orgArgs(smuggled));
  const r = report as unknown as Report;
  assert.ok(codes(r).includes('builtin.image.signature_check'));
  assert.match(r.components[0]!.violations!.find((v) => v.metadata?.code === 'builtin.image.signature_check')!.msg, /does not chain to a configured CA/);
  const other = await validateJson(orgArgs(good, 'someone@acme.example'));
  assert.ok(codes(other.report).includes('builtin.image.signature_check'));
});

test('cosign v3 bundles signed with the organisation certificate pass the signature check (chain in the bundle or not); an attacker CA does not', async () => {
  for (const image of [bundled, bundledWithChain]) {
    for (const pki of PKI_FLAGS()) {
      const { report } = await validateJson(orgArgs(image, undefined, pki));
      const r = report as unknown as Report;
      assert.deepEqual(codes(r), ['builtin.attestation.signature_check'], JSON.stringify(r.components[0]).slice(0, 800));
      assert.equal(r.components[0]!.signatures?.[0]?.metadata?.['Subject Alternative Name'], 'Email Addresses:signer@acme.example');
    }
  }
  const { report } = await validateJson(orgArgs(evilBundle));
  const r = report as unknown as Report;
  assert.match(r.components[0]!.violations!.find((v) => v.metadata?.code === 'builtin.image.signature_check')!.msg, /does not chain to a configured CA/);
});
