// A certificate's Subject and Issuer in signature metadata are Go's pkix.Name.String(), as ec shows
// them: compared with Go itself (test/support/go-dn, standard library only) on certificates made by
// the real openssl with every attribute kind, multi-valued RDNs and characters that need escaping,
// and with ec's own output for the conforma keyless image.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { X509Certificate } from '@sigstore/core';
import { goDistinguishedName } from '../../../src/sigstore/distinguished-name.ts';
import { makeSelfSigned } from '../../support/pki.ts';

const run = promisify(execFile);
const goProgram = fileURLToPath(new URL('../../support/go-dn/main.go', import.meta.url));

const SUBJECTS = [
  '/CN=sigstore-intermediate/O=sigstore.dev',
  '/C=US/ST=California/L=San Francisco/street=548 Market St/postalCode=57274/O=Linux Foundation/OU=Ops/OU=Sec/CN=leaf/serialNumber=42',
  '/CN=a, b+c "quoted" <x>;\\\\back/O=#hash/OU= lead and trail /emailAddress=ops@example.com/DC=example/UID=u1',
  '/O=Acme+OU=multi/CN=first/CN=second',
  '/CN=ünïcödé ✓/O=Beyond ASCII',
];

const selfSigned = async (dir: string, i: number, subject: string): Promise<string> =>
  (await makeSelfSigned(dir, String(i), subject, ['-multivalue-rdn', '-utf8'], 1)).cert;

test("Subject and Issuer read as Go's pkix.Name.String() prints them", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-dn-'));
  try {
    const pems = await Promise.all(SUBJECTS.map((s, i) => selfSigned(dir, i, s)));
    const { stdout } = await run('go', ['run', goProgram, ...pems], { env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'off' } });
    const go = stdout.trimEnd().split('\n');
    const ours = (await Promise.all(pems.map(async (p) => X509Certificate.parse(await readFile(p, 'utf8'))))).flatMap((c) => [
      goDistinguishedName(c.subject),
      goDistinguishedName(c.issuer),
    ]);
    assert.deepEqual(ours, go);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the conforma keyless image's Fulcio issuer reads as ec prints it", async () => {
  const layout = fileURLToPath(new URL('../../fixtures/conforma-keyless-image/oci-layout', import.meta.url));
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  // The certificate annotation of the .sig layer (the only PEM certificate in the layout's manifests).
  let pem: string | undefined;
  for (const m of index.manifests) {
    const text = await readFile(join(layout, 'blobs', 'sha256', m.digest.slice(7)), 'utf8');
    pem ??= /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(text.replaceAll('\\n', '\n'))?.[0];
  }
  assert.ok(pem, 'a certificate in the layout');
  const cert = X509Certificate.parse(pem);
  // ec v0.9.115's report for this image (conforma/cli a18338416237).
  assert.equal(goDistinguishedName(cert.issuer), 'O=Linux Foundation,POSTALCODE=57274,STREET=548 Market St,L=San Francisco,ST=California,C=USA');
});
