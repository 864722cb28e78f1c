// Every body the client reads is size-limited while it streams and bounded by the request deadline:
// manifests, blobs, token answers and error bodies, with or without Content-Length, trickling or
// endless, from a hostile registry. Each refusal is a RegistryError naming the URL and the limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import type { Descriptor } from '../../../src/oci/types.ts';
import { faults, hostileRegistryWithLayer, type HostileRegistry } from '../../support/hostile-registry.ts';

let registry: HostileRegistry;
let layer: Descriptor;
before(async () => {
  ({ registry, layer } = await hostileRegistryWithLayer());
});
after(async () => {
  await registry.close();
});

/** A fresh client (caches are per client), a short deadline, no retries. */
const client = (timeoutMs = 30_000): RegistryClient => new RegistryClient({ retry: { retries: 0, timeoutMs } });
const ref = () => parseReference(`${registry.host}/app:v1`);

function refusal(code: string, ...patterns: RegExp[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof RegistryError, `a RegistryError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

/** Runs `fn` while `route` answers with `fault`: its rejection, and how long it took. */
async function withFault(route: RegExp, fault: Parameters<HostileRegistry['fault']>[1], fn: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  registry.fault(route, fault);
  const start = Date.now();
  try {
    const [outcome] = await Promise.allSettled([fn()]);
    assert.equal(outcome.status, 'rejected', 'the request must fail');
    return { ms: Date.now() - start, error: outcome.reason };
  } finally {
    registry.clearFaults();
  }
}

const MANIFEST_URL = /GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/manifests\/v1/;

test('an oversized manifest is refused while it streams, with or without Content-Length', async () => {
  for (const withLength of [true, false]) {
    const { error } = await withFault(/manifests\/v1$/, faults.oversized(5 * 1024 * 1024, withLength), () => client().resolve(ref()));
    assert.ok(refusal('TOO_LARGE', MANIFEST_URL, /4194304-byte limit/)(error));
  }
});

test('an endless manifest body is refused at the limit, not read forever', async () => {
  // The body never ends: only the limit ends the read, so failing with TOO_LARGE at all proves it.
  const { error } = await withFault(/manifests\/v1$/, faults.endless(), () => client().resolve(ref()));
  assert.ok(refusal('TOO_LARGE', MANIFEST_URL, /4194304-byte limit/)(error));
});

test('a blob longer than its descriptor says is refused at the limit', async () => {
  const { error } = await withFault(/\/blobs\//, faults.endless(), () => client().getBlob(ref(), layer, 1024));
  assert.ok(refusal('TOO_LARGE', /GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/blobs\/sha256:/, /1024-byte limit/)(error));
});

test('a trickling body stops at the request deadline: the timeout signal covers the body read', async () => {
  // Headers arrive at once; then one byte every 100 ms of a ~400-byte manifest.
  const { error, ms } = await withFault(/manifests\/v1$/, faults.trickle(100), () => client(800).resolve(ref()));
  assert.ok(refusal('TIMEOUT', MANIFEST_URL, /did not arrive within 0\.8s/)(error));
  assert.ok(ms >= 750, `stopped after ${ms} ms, before the deadline (the body would take 40 s: only the deadline ends it)`);
});

test('a trickling blob stops at the deadline too', async () => {
  const { error } = await withFault(/\/blobs\//, faults.trickle(100), () => client(800).getBlob(ref(), layer));
  assert.ok(refusal('TIMEOUT', /\/blobs\/sha256:/, /0\.8s/)(error));
});

test('an oversized or endless error body is cut at its limit; the error still names the URL and status', async () => {
  for (const fault of [faults.oversized(50 * 1024 * 1024, true, 403), faults.oversized(1024 * 1024, false, 403)]) {
    // Reading it whole would end at the 2 s deadline as a TIMEOUT: DENIED with the limit named proves the cut.
    const { error } = await withFault(/manifests\/v1$/, fault, () => client(2000).resolve(ref()));
    assert.ok(refusal('DENIED', MANIFEST_URL, /403 Forbidden \(an error body over the 65536-byte limit\)/)(error));
  }
});

test("an error body's words are kept, without control characters, and capped", async () => {
  const words = JSON.stringify({ errors: [{ code: 'DENIED', message: `\u001b[31mred\u001b[0m ${'x'.repeat(5000)}` }] });
  const { error } = await withFault(/manifests\/v1$/, faults.status(403, words), () => client().resolve(ref()));
  assert.ok(error instanceof RegistryError);
  assert.doesNotMatch(error.message, /\u001b/);
  assert.match(error.message, /DENIED: \s?\[31mred/);
  assert.ok(error.message.length < 700, `${error.message.length} characters`);
});

test('an oversized token answer is refused (64 KiB, as go-containerregistry)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-token-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { username: 'u', password: 'p' } } }));
  const huge = JSON.stringify({ token: 'a'.repeat(1024 * 1024) });
  for (const fault of [faults.body(huge, 'application/json'), faults.oversized(1024 * 1024, false)]) {
    registry.fault(/^GET \/v2\/app\//, faults.challenge(`Bearer realm="${registry.url}/token",service="hostile"`));
    registry.fault(/^GET \/token/, fault);
    const c = new RegistryClient({ env: { DOCKER_CONFIG: dir }, retry: { retries: 0 } });
    await assert.rejects(c.resolve(ref()), refusal('TOO_LARGE', /token request to http:\/\/127\.0\.0\.1:\d+\/token/, /65536-byte limit/));
    registry.clearFaults();
  }
});

test('a token answer that is not JSON, has no token, or a token no header can carry is BAD_RESPONSE', async () => {
  for (const body of ['{"token":', '{"token": 5}', 'null', '{"token":"a\\r\\nx-evil: 1"}']) {
    registry.fault(/^GET \/v2\/app\//, faults.challenge(`Bearer realm="${registry.url}/token"`));
    registry.fault(/^GET \/token/, faults.body(body, 'application/json'));
    await assert.rejects(client().resolve(ref()), refusal('BAD_RESPONSE', /token request to/), body);
    registry.clearFaults();
  }
});
