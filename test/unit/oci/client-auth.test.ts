// Registry credentials go only where they belong, against a hostile registry that picks the token
// realm and redirects requests: a second loopback server records what reaches it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { checkRealm, type RealmContext } from '../../../src/oci/realm.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { faults, startHostileRegistry, type HostileRegistry } from '../../support/hostile-registry.ts';

const USER = 'robot';
const PASSWORD = 'pa55-w0rd-never-leaves';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const servers: HostileRegistry[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function hostile(options: Parameters<typeof startHostileRegistry>[0] = {}): Promise<HostileRegistry> {
  const s = await startHostileRegistry(options);
  servers.push(s);
  return s;
}

/** A docker config holding credentials for `host`, and a client that reads it. */
async function clientWithCredentials(host: string, options: ConstructorParameters<typeof RegistryClient>[0] = {}): Promise<RegistryClient> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-auth-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
  return new RegistryClient({ env: { DOCKER_CONFIG: dir }, retry: { retries: 0, baseMs: 1 }, ...options });
}

/** This process trusts the https registry's self-signed certificate from now on. */
function trust(s: HostileRegistry): void {
  setDefaultCACertificates([...getCACertificates('default'), s.ca!]);
}

const authorizations = (s: HostileRegistry): string[] => s.requests.map((r) => r.headers.authorization ?? '').filter((a) => a !== '');
const refusedWith =
  (pattern: RegExp) =>
  (e: unknown): boolean =>
    e instanceof RegistryError && e.code === 'REFUSED' && pattern.test(e.message) && !e.message.includes(PASSWORD);

test('a realm on another host over plain http gets no credentials, and no request at all', async () => {
  const realmServer = await hostile();
  const registry = await hostile({ auth: { token: 'T', realm: `${realmServer.url}/token` } });
  registry.putImage('app', 'v1');
  // Only the registry itself may be reached over plain http: the realm's host may not.
  const client = await clientWithCredentials(registry.host, { plainHttp: (h) => h === registry.host });
  await assert.rejects(
    client.resolve(parseReference(`${registry.host}/app:v1`)),
    refusedWith(/is plain http to a host vouch only reaches over https; no credentials were sent/),
  );
  assert.deepEqual(realmServer.requests, [], 'the realm server received nothing');
  assert.deepEqual(authorizations(registry), [], 'the registry was never sent the basic credentials');
});

test('a realm on the registry itself gets the credentials, and the token goes to the registry only', async () => {
  const registry = await hostile({ auth: { token: 'T' } });
  const digest = registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host);
  assert.equal((await client.resolve(parseReference(`${registry.host}/app:v1`))).digest, digest);
  const token = registry.requests.filter((r) => r.url.startsWith('/token'));
  assert.equal(token.length, 1);
  assert.equal(token[0]!.headers.authorization, BASIC);
  assert.ok(registry.requests.filter((r) => r.url.startsWith('/v2/app/')).some((r) => r.headers.authorization === 'Bearer T'));
});

test('realms at internal addresses, other schemes, or carrying credentials are refused before any request', async () => {
  for (const [realm, why] of [
    ['https://169.254.169.254/latest/meta-data/', /loopback, private or link-local/],
    ['https://10.1.2.3/token', /loopback, private or link-local/],
    ['ftp://127.0.0.1/token', /neither https nor http/],
    ['http://user:pw@127.0.0.1/token', /carries credentials of its own/],
    ['not a url', /is not a URL/],
  ] as const) {
    const registry = await hostile({ auth: { token: 'T', realm } });
    registry.putImage('app', 'v1');
    const client = await clientWithCredentials(registry.host);
    await assert.rejects(client.resolve(parseReference(`${registry.host}/app:v1`)), refusedWith(why), realm);
  }
});

test('the realm rules (go-containerregistry validateRealmURL, plus https-only credentials)', () => {
  const httpsRegistry: RealmContext = { registry: new URL('https://registry.example.com'), plainHttp: () => false };
  const loopbackRegistry: RealmContext = {
    registry: new URL('http://127.0.0.1:5000'),
    plainHttp: (h: string) => h.startsWith('127.') || h.startsWith('[::1]'),
  };
  const ok = (realm: string, ctx: RealmContext): string => checkRealm(realm, ctx).href;
  const refused = (realm: string, ctx: RealmContext, why: RegExp): void => assert.throws(() => checkRealm(realm, ctx), refusedWith(why), realm);
  assert.equal(ok('https://auth.example.org/token?x=1', httpsRegistry), 'https://auth.example.org/token?x=1', 'https to another host: as Docker Hub does');
  refused('http://auth.example.org/token', httpsRegistry, /plain http for a registry reached over https/);
  refused('http://registry.example.com/token', httpsRegistry, /plain http for a registry reached over https/);
  refused('http://127.0.0.1:5001/token', httpsRegistry, /plain http for a registry reached over https/);
  refused('https://127.0.0.1/token', httpsRegistry, /loopback, private or link-local/);
  refused('https://[::ffff:169.254.169.254]/token', httpsRegistry, /loopback, private or link-local/);
  refused('https://[fd00::1]/token', httpsRegistry, /loopback, private or link-local/);
  refused('https://0.0.0.0/token', httpsRegistry, /loopback, private or link-local/);
  refused('https://localhost:8443/token', httpsRegistry, /loopback, private or link-local/);
  refused('javascript:alert(1)', httpsRegistry, /neither https nor http/);
  assert.equal(
    ok('https://10.0.0.5:8443/token', { registry: new URL('https://10.0.0.5:8443'), plainHttp: () => false }),
    'https://10.0.0.5:8443/token',
    'the registry itself',
  );
  assert.equal(ok('http://127.0.0.1:5001/token', loopbackRegistry), 'http://127.0.0.1:5001/token', 'loopback registry, loopback realm');
  assert.equal(ok('http://[::1]:5001/token', loopbackRegistry), 'http://[::1]:5001/token');
  refused('http://192.168.1.1/token', loopbackRegistry, /plain http to a host vouch only reaches over https/);
  refused('https://192.168.1.1/token', loopbackRegistry, /loopback, private or link-local/);
});

test("a blob redirected to another origin arrives without the registry's Authorization header (another port is another origin)", async () => {
  const elsewhere = await hostile();
  const registry = await hostile({ auth: { token: 'T' } });
  registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host);
  const ref = parseReference(`${registry.host}/app:v1`);
  const fetched = await client.getManifest(ref, 'v1');
  assert.ok(fetched && 'layers' in fetched.manifest);
  const layer = fetched.manifest.layers[0]!;
  const bytes = await (await fetch(`${registry.url}/v2/app/blobs/${layer.digest}`, { headers: { authorization: 'Bearer T' } })).arrayBuffer();
  elsewhere.putBlob('app', new Uint8Array(bytes));
  registry.fault(/\/blobs\//, faults.redirect(`${elsewhere.url}/v2/app/blobs/${layer.digest}`));
  assert.equal((await client.getBlob(ref, layer)).length, layer.size);
  assert.equal(elsewhere.requests.length, 1);
  assert.equal(elsewhere.requests[0]!.headers.authorization, undefined, 'no Authorization header after the cross-origin redirect');
});

test('a 401 challenge from where a redirect led is not answered with the registry credentials', async () => {
  const elsewhere = await hostile({ auth: { token: 'E' } });
  const registry = await hostile({ auth: { token: 'T' } });
  registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host);
  const ref = parseReference(`${registry.host}/app:v1`);
  const fetched = await client.getManifest(ref, 'v1');
  assert.ok(fetched && 'layers' in fetched.manifest);
  const layer = fetched.manifest.layers[0]!;
  registry.fault(/\/blobs\//, faults.redirect(`${elsewhere.url}/v2/app/blobs/${layer.digest}`));
  await assert.rejects(client.getBlob(ref, layer), (e: unknown) => e instanceof RegistryError && e.code === 'UNAUTHORIZED');
  assert.deepEqual(
    elsewhere.requests.filter((r) => r.url.startsWith('/token')),
    [],
    "the other origin's realm was never asked for a token",
  );
  assert.deepEqual(authorizations(elsewhere), []);
});

test('a token service that redirects is not followed: its form or header could carry the credentials on', async () => {
  const elsewhere = await hostile();
  const registry = await hostile({ auth: { token: 'T' } });
  registry.putImage('app', 'v1');
  registry.fault(/^GET \/token/, faults.redirect(`${elsewhere.url}/token`));
  const client = await clientWithCredentials(registry.host);
  await assert.rejects(client.resolve(parseReference(`${registry.host}/app:v1`)), refusedWith(/does not follow token service redirects/));
  assert.deepEqual(elsewhere.requests, []);
});

test('an https registry: a plain-http realm gets nothing, not even on loopback (no downgrade)', async () => {
  const realmServer = await hostile();
  const registry = await hostile({ tls: true, auth: { token: 'T', realm: `${realmServer.url}/token` } });
  trust(registry);
  registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host, { plainHttp: () => false });
  await assert.rejects(client.resolve(parseReference(`${registry.host}/app:v1`)), refusedWith(/is plain http for a registry reached over https/));
  assert.deepEqual(realmServer.requests, []);
});

test('an https registry: its own https realm gets the credentials; a blob redirected to plain http is refused', async () => {
  const plain = await hostile();
  const registry = await hostile({ tls: true, auth: { token: 'T' } });
  trust(registry);
  const digest = registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host, { plainHttp: () => false });
  const ref = parseReference(`${registry.host}/app:v1`);
  assert.equal((await client.resolve(ref)).digest, digest);
  assert.deepEqual(
    registry.requests.filter((r) => r.url.startsWith('/token')).map((r) => r.headers.authorization),
    [BASIC],
    'over https, to the registry itself',
  );
  const fetched = await client.getManifest(ref, digest);
  assert.ok(fetched && 'layers' in fetched.manifest);
  const layer = fetched.manifest.layers[0]!;
  const bytes = await (await fetch(`${registry.url}/v2/app/blobs/${layer.digest}`, { headers: { authorization: 'Bearer T' } })).arrayBuffer();
  plain.putBlob('app', new Uint8Array(bytes));
  registry.fault(/\/blobs\//, faults.redirect(`${plain.url}/v2/app/blobs/${layer.digest}`));
  await assert.rejects(client.getBlob(ref, layer), refusedWith(/redirected to plain http \(http:\/\/127\.0\.0\.1:\d+\); vouch does not downgrade/));
  assert.deepEqual(plain.requests, [], 'refused before connecting: the plain-http hop never sees a request');
});

test('a push asks the realm for push scope, with the same realm rules as reads; a registry refusing the upload is a RegistryError', async () => {
  const registry = await hostile({ auth: { token: 'T' } });
  registry.putImage('app', 'v1');
  const client = await clientWithCredentials(registry.host);
  // The hostile registry takes no uploads: the push fails, as a registry error naming the request.
  await assert.rejects(
    client.pushBlob(parseReference(`${registry.host}/app:v1`), Buffer.from('vsa')),
    (e: unknown) => e instanceof RegistryError && /blobs\/uploads/.test(e.message) && !e.message.includes(PASSWORD),
  );
  const scopes = registry.requests.filter((r) => r.url.startsWith('/token')).map((r) => new URL(r.url, 'http://x').searchParams.get('scope'));
  assert.deepEqual([...new Set(scopes)], ['repository:app:pull,push']);
  // After the challenge, the upload requests carry the token, never the basic credentials.
  const authorized = registry.requests.filter((r) => r.url.startsWith('/v2/app/blobs') && r.headers.authorization);
  assert.deepEqual(
    authorized.map((r) => `${r.method} ${String(r.headers.authorization)}`),
    ['HEAD Bearer T', 'POST Bearer T'],
  );
  // A realm elsewhere over plain http gets nothing, for a push as for a read.
  const realmServer = await hostile();
  const other = await hostile({ auth: { token: 'T', realm: `${realmServer.url}/token` } });
  const pusher = await clientWithCredentials(other.host, { plainHttp: (h) => h === other.host });
  await assert.rejects(pusher.pushBlob(parseReference(`${other.host}/app:v1`), Buffer.from('vsa')), refusedWith(/no credentials were sent/));
  assert.deepEqual(realmServer.requests, []);
});
