// A missing or garbled trust input is a configuration error that names its flag or variable and
// stops the run before any image is fetched; before, each one surfaced as a failed signature on
// every image (or, for a public key, was already named: kept here as a regression).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vouch } from '../../support/run-cli.ts';

const fixtureRoot = new URL('../../fixtures/conforma-keyless-image/trusted_root.json', import.meta.url);
// Port 9 on loopback: nothing listens. A run that started would report the image instead.
const IMAGE = '127.0.0.1:9/never/fetched:v1';
const KEYLESS = ['--certificate-identity', 'https://ci.example/build', '--certificate-oidc-issuer', 'https://issuer.example'];
// Hand-made: a PEM envelope around bytes that are not DER (no tool writes these).
const GARBLED_CERT = '-----BEGIN CERTIFICATE-----\nTUlJQm5vdCBhIGNlcnRpZmljYXRl\n-----END CERTIFICATE-----\n';
const GARBLED_KEY = '-----BEGIN PUBLIC KEY-----\nTUlJQm5vdCBhIGtleQ==\n-----END PUBLIC KEY-----\n';

interface Case {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  code: 2 | 3;
  message: RegExp;
}

async function setup(): Promise<{ dir: string; files: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-trust-'));
  const root = JSON.parse(await readFile(fixtureRoot, 'utf8')) as {
    tlogs: { publicKey: { rawBytes: string } }[];
    certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
  };
  const caDer = root.certificateAuthorities[0]!.certChain.certificates.at(-1)!.rawBytes;
  const caPem = `-----BEGIN CERTIFICATE-----\n${caDer.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const badKeyRoot = structuredClone(root);
  badKeyRoot.tlogs[0]!.publicKey.rawBytes = Buffer.from('not a key').toString('base64');
  const pub = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const files: Record<string, string> = {
    'not-json.json': '{"tlogs": [',
    'array.json': '[]',
    'empty.json': '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}',
    'bad-key-root.json': JSON.stringify(badKeyRoot),
    'garbled.pem': GARBLED_CERT,
    'garbled.pub': GARBLED_KEY,
    'text.pem': 'no certificates here\n',
    'good.pub': pub,
    'ca.pem': caPem,
    'tuf-root.json': '{"signed": {"_type": "targets"}, "signatures": []}',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, files };
}

test('every trust input that cannot be used is named, with exit 2, before the run', async () => {
  const { dir } = await setup();
  const missing = join(dir, 'absent');
  const cases: Case[] = [
    { name: 'missing --trusted-root', args: ['--trusted-root', missing], code: 2, message: /--trusted-root .*absent: ENOENT/ },
    { name: 'not JSON', args: ['--trusted-root', 'not-json.json'], code: 2, message: /--trusted-root .*not-json\.json: not JSON/ },
    { name: 'not an object', args: ['--trusted-root', 'array.json'], code: 2, message: /--trusted-root .*array\.json: not a JSON object/ },
    {
      name: 'no authorities',
      args: ['--trusted-root', 'empty.json'],
      code: 2,
      message: /--trusted-root .*empty\.json: the trusted root lists no transparency log/,
    },
    {
      name: 'garbled log key',
      args: ['--trusted-root', 'bad-key-root.json'],
      code: 2,
      message: /--trusted-root .*bad-key-root\.json: not a usable Sigstore trusted root/,
    },
    { name: 'missing SIGSTORE_ROOT_FILE', env: { SIGSTORE_ROOT_FILE: missing }, code: 2, message: /SIGSTORE_ROOT_FILE .*absent: ENOENT/ },
    {
      name: 'garbled SIGSTORE_ROOT_FILE',
      env: { SIGSTORE_ROOT_FILE: join(dir, 'garbled.pem') },
      code: 2,
      message: /SIGSTORE_ROOT_FILE .*garbled\.pem: certificate 1 does not parse/,
    },
    {
      name: 'SIGSTORE_ROOT_FILE without certificates',
      env: { SIGSTORE_ROOT_FILE: join(dir, 'text.pem') },
      code: 2,
      message: /SIGSTORE_ROOT_FILE .*text\.pem: no PEM certificates/,
    },
    {
      name: 'garbled SIGSTORE_REKOR_PUBLIC_KEY',
      env: { SIGSTORE_REKOR_PUBLIC_KEY: join(dir, 'garbled.pub') },
      code: 2,
      message: /SIGSTORE_REKOR_PUBLIC_KEY .*garbled\.pub: not a PEM public key/,
    },
    {
      name: 'missing SIGSTORE_CT_LOG_PUBLIC_KEY_FILE',
      env: { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: missing },
      code: 2,
      message: /SIGSTORE_CT_LOG_PUBLIC_KEY_FILE .*absent: ENOENT/,
    },
    {
      name: 'garbled SIGSTORE_TSA_CERTIFICATE_FILE',
      env: { SIGSTORE_TSA_CERTIFICATE_FILE: join(dir, 'garbled.pem') },
      code: 2,
      message: /SIGSTORE_TSA_CERTIFICATE_FILE .*certificate 1 does not parse/,
    },
    { name: 'garbled --ca-roots', args: ['--ca-roots', 'garbled.pem'], code: 2, message: /--ca-roots .*garbled\.pem: certificate 1 does not parse/ },
    {
      name: 'missing --ca-intermediates',
      args: ['--ca-roots', 'ca.pem', '--ca-intermediates', missing],
      code: 2,
      message: /--ca-intermediates .*absent: ENOENT/,
    },
    {
      name: 'garbled --ca-intermediates',
      args: ['--ca-roots', 'ca.pem', '--ca-intermediates', 'garbled.pem'],
      code: 2,
      message: /--ca-intermediates .*garbled\.pem: certificate 1 does not parse/,
    },
    {
      name: 'garbled --certificate-chain',
      args: ['--certificate-chain', 'garbled.pem'],
      code: 2,
      message: /--certificate-chain .*garbled\.pem: certificate 1 does not parse/,
    },
    { name: 'missing --certificate-chain', args: ['--certificate-chain', missing], code: 2, message: /--certificate-chain .*absent: ENOENT/ },
    { name: '--tuf-root without --tuf-mirror', args: ['--tuf-root', 'tuf-root.json'], code: 2, message: /--tuf-root needs --tuf-mirror/ },
    { name: '--tuf-mirror not a URL', args: ['--tuf-mirror', 'tuf.example.com'], code: 2, message: /--tuf-mirror "tuf\.example\.com": not an http\(s\) URL/ },
    {
      name: '--tuf-mirror without --tuf-root',
      args: ['--tuf-mirror', 'http://127.0.0.1:9'],
      code: 2,
      message: /--tuf-mirror http:\/\/127\.0\.0\.1:9 needs --tuf-root/,
    },
    {
      name: '--tuf-root not a TUF root',
      args: ['--tuf-mirror', 'http://127.0.0.1:9', '--tuf-root', 'tuf-root.json'],
      code: 2,
      message: /--tuf-root .*tuf-root\.json: not a TUF root\.json/,
    },
    { name: 'missing --tuf-root', args: ['--tuf-mirror', 'http://127.0.0.1:9', '--tuf-root', missing], code: 2, message: /--tuf-root .*absent: ENOENT/ },
    {
      name: 'both --trusted-root and --tuf-mirror',
      args: ['--trusted-root', 'empty.json', '--tuf-mirror', 'http://127.0.0.1:9'],
      code: 2,
      message: /either --trusted-root or --tuf-mirror/,
    },
  ];
  for (const c of cases) {
    const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache'), ...(c.env ?? {}) };
    const run = await vouch(['validate', 'image', '--image', IMAGE, ...KEYLESS, ...(c.args ?? [])], env, dir);
    assert.equal(run.code, c.code, `${c.name}: ${run.stderr}${run.stdout}`);
    assert.match(run.stderr, c.message, c.name);
    assert.equal(run.stdout, '', `${c.name}: no report`);
  }
});

test('a missing or garbled --public-key is named with exit 2', async () => {
  const { dir } = await setup();
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  for (const [key, message] of [
    ['absent.pub', /--public-key .*absent\.pub: cannot read the key file/],
    ['garbled.pub', /--public-key .*garbled\.pub: not a PEM public key/],
  ] as const) {
    const run = await vouch(['validate', 'image', '--image', IMAGE, '--public-key', key], env, dir);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});

test('a usable trusted root and key pass the checks (the run then reaches the image)', async () => {
  const { dir } = await setup();
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const run = await vouch(
    ['validate', 'image', '--image', IMAGE, '--public-key', 'good.pub', '--trusted-root', fileURLPath(fixtureRoot), '--output', 'json'],
    env,
    dir,
  );
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { components: { violations: { msg: string }[] }[] };
  assert.match(report.components[0]!.violations[0]!.msg, /127\.0\.0\.1:9/);
});

function fileURLPath(url: URL): string {
  return decodeURIComponent(url.pathname);
}
