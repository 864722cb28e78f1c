// crypto.x509.parse_certificates against the real `opa eval`, field by field (whole objects compared):
// a Fulcio leaf from a real cosign bundle, a CA chain and leaf from test/support/pki.ts, and openssl
// certificates covering each extension Go decodes (name constraints, policies, AIA, CRL points, SANs
// of every kind, RSA-PSS, Ed25519, DSA, P-384/P-521, far-future GeneralizedTime). Byte-level damage
// to real certificates (hand-made, as no tool issues broken certificates) must be refused as Go
// refuses it, or parsed as Go parses it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { makeCa, makeLeaf } from '../../../support/pki.ts';
import { disagreements, hostAnswer, type Case } from './differential.ts';

const run = promisify(execFile);
let dir = '';
const pems: string[] = [];

const SUBJECT = '/C=US/ST=CA/L=SF/O=Org/OU=Unit/CN=leaf/serialNumber=42/postalCode=94000/street=Main St';

async function selfSigned(name: string, key: (out: string) => string[], extra: string[], subject = SUBJECT): Promise<void> {
  const keyFile = join(dir, `${name}.key`);
  await run('openssl', key(keyFile));
  await run('openssl', ['req', '-x509', '-nodes', '-days', '30', '-key', keyFile, '-subj', subject, '-utf8', ...extra, '-out', join(dir, `${name}.pem`)]);
  pems.push(await readFile(join(dir, `${name}.pem`), 'utf8'));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-x509-'));
  await makeCa(dir, 'root');
  await makeCa(dir, 'intermediate', 'root');
  await makeLeaf(dir, 'leaf', 'intermediate', { email: 'dev@example.com', oidcIssuer: 'https://issuer.example' });
  await makeLeaf(dir, 'future', 'intermediate', {
    email: 'f@example.com',
    validity: { notBefore: new Date('2051-01-01T00:00:00Z'), notAfter: new Date('2061-01-01T00:00:00Z') },
  });
  for (const n of ['root', 'intermediate', 'leaf', 'future']) pems.push(await readFile(join(dir, `${n}.pem`), 'utf8'));
  const ec =
    (curve: string) =>
    (out: string): string[] => ['ecparam', '-name', curve, '-genkey', '-noout', '-out', out];
  const rsa = (out: string): string[] => ['genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out];
  await selfSigned('ed', (out) => ['genpkey', '-algorithm', 'ed25519', '-out', out], [
    '-addext',
    'subjectAltName=DNS:a.example.com,IP:2001:db8::1,IP:::ffff:1.2.3.4,IP:10.0.0.1,email:x@y.z,URI:spiffe://trust/ns/x,URI:https://h:8443/p%20q?x=1,URI:urn:uuid:1234',
  ]);
  await selfSigned('rsa', rsa, [
    '-sha512',
    '-addext',
    'nameConstraints=critical,permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;email:bad@example.com,excluded;URI:.evil.com,permitted;email:.corp.com',
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:3',
  ]);
  await selfSigned('pss', rsa, [
    '-sigopt',
    'rsa_padding_mode:pss',
    '-sigopt',
    'rsa_pss_saltlen:32',
    '-sha256',
    '-addext',
    'policyConstraints=requireExplicitPolicy:3,inhibitPolicyMapping:0',
    '-addext',
    'inhibitAnyPolicy=2',
    '-addext',
    'policyMappings=1.2.3.4:1.2.3.5',
    '-addext',
    'certificatePolicies=1.2.3.4,1.3.6.1.4.1.99999.1.2.3',
  ]);
  await selfSigned('p384', ec('secp384r1'), [
    '-sha384',
    '-addext',
    'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly',
    '-addext',
    'extendedKeyUsage=serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,1.3.6.1.4.1.311.10.3.3,anyExtendedKeyUsage,1.2.3.4.5',
  ]);
  await selfSigned(
    'p521',
    ec('secp521r1'),
    [
      '-sha512',
      '-addext',
      '1.2.3.4.5=critical,ASN1:UTF8String:hello',
      '-addext',
      'authorityInfoAccess=OCSP;URI:http://o.example,caIssuers;URI:http://i.example/c.crt',
      '-addext',
      'crlDistributionPoints=URI:http://c1.example/a.crl,URI:http://c2.example/b.crl',
    ],
    '/CN=utf8 ünïcødé/O=日本',
  );
  await selfSigned('dsa', (out) => ['dsaparam', '-genkey', '-out', out, '1024'], ['-sha256'], '/CN=dsa');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The Fulcio leaf of a real cosign bundle (test/fixtures/cosign-bundle, see its README). */
async function fulcioLeaf(): Promise<string> {
  const bundle = JSON.parse(await readFile(new URL('../../../fixtures/cosign-bundle/oci-attestation.sigstore.json', import.meta.url), 'utf8')) as {
    verificationMaterial: { certificate: { rawBytes: string } };
  };
  return bundle.verificationMaterial.certificate.rawBytes;
}

const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');

/** Deterministic damage: byte i set to v, or the certificate cut at i. */
function damaged(cert: Buffer, seed: number): string {
  const d = Buffer.from(cert);
  let x = seed;
  const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648);
  const edits = 1 + (next() % 3);
  for (let k = 0; k < edits; k++) d[next() % d.length] = next() % 256;
  return (seed % 7 === 0 ? d.subarray(0, next() % d.length) : d).toString('base64');
}

test('crypto.x509.parse_certificates answers as opa eval (Go topdown) does', async () => {
  const fulcio = await fulcioLeaf();
  const inputs = [
    fulcio,
    ...pems,
    ...pems.map((p) => der(p).toString('base64')),
    pems.join(''),
    Buffer.from(pems.slice(0, 3).join('\n')).toString('base64'),
    Buffer.concat(pems.map(der)).toString('base64'),
    '',
    '-----BEGIN',
    'not base64!',
    'AAAA',
    '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
    '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n',
  ];
  const reals = [Buffer.from(fulcio, 'base64'), ...pems.map(der)];
  for (let seed = 1; seed <= 400; seed++) inputs.push(damaged(reals[seed % reals.length]!, seed));
  const cases: Case[] = [
    ...inputs.map((s) => ({ builtin: 'crypto.x509.parse_certificates', args: [s] })),
    { builtin: 'crypto.x509.parse_certificates', args: [42] },
  ];
  assert.deepEqual(await disagreements(cases), []);
});

test('the Fulcio leaf reads as policies read it: Extensions with int-array ids and base64 values', async () => {
  const [cert] = hostAnswer({ builtin: 'crypto.x509.parse_certificates', args: [await fulcioLeaf()] }) as Record<string, unknown>[];
  const issuerExt = (cert!.Extensions as { Id: number[]; Critical: boolean; Value: string }[]).find((e) => e.Id.join('.') === '1.3.6.1.4.1.57264.1.8');
  assert.deepEqual(issuerExt, { Id: [1, 3, 6, 1, 4, 1, 57264, 1, 8], Critical: false, Value: 'DB5odHRwczovL2dpdGh1Yi5jb20vbG9naW4vb2F1dGg=' });
  assert.equal(cert!.SerialNumber, 133620319281491126257603866717596690416424083037n);
  assert.equal(cert!.NotBefore, '2025-02-28T19:18:11Z');
});
