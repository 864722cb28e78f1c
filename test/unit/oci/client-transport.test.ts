// The registry client's transport (src/oci/transport.ts, node:http with keep-alive agents) against a
// hostile registry on loopback: connections are reused, a connection that breaks mid-body or an
// answer with oversized headers is a clear error (never a short body taken for a whole one), a stale
// kept-alive connection is replaced at once, and nothing asks for or accepts compressed bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import type { Descriptor } from '../../../src/oci/types.ts';
import { hostileRegistryWithLayer, type Answer, type HostileRegistry } from '../../support/hostile-registry.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TimeoutError } from '../../../src/validate/timeout.ts';

let registry: HostileRegistry;
let layer: Descriptor;
before(async () => {
  ({ registry, layer } = await hostileRegistryWithLayer());
});
after(async () => {
  await registry.close();
});

/** Accepts connections and never answers. */
const silent = createTcpServer(() => undefined);

const client = (retries = 0): RegistryClient => new RegistryClient({ retry: { retries, timeoutMs: 30_000, baseMs: 1 } });
const ref = () => parseReference(`${registry.host}/app:v1`);
const answer = (res: ServerResponse, a: Answer): void => void res.writeHead(a.status, a.headers).end(a.body);

function refusal(code: string, ...patterns: RegExp[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof RegistryError, `a RegistryError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

test('keep-alive: sequential requests of a client share one connection', async () => {
  const sockets = new Set<Socket>();
  registry.fault(/\/v2\/app\//, (req, res, a) => {
    sockets.add(req.socket);
    answer(res, a);
  });
  try {
    const c = client();
    for (let i = 0; i < 5; i++) assert.ok(await c.getManifest(ref(), 'v1'));
    assert.equal(sockets.size, 1, 'five requests, one connection');
  } finally {
    registry.clearFaults();
  }
});

test('a connection that breaks mid-body is UNREACHABLE naming the request, never a short body', async () => {
  registry.fault(/\/blobs\//, (_req, res, a) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(a.body.length) });
    res.write(a.body.subarray(0, 10), () => res.socket?.destroy());
  });
  try {
    await assert.rejects(
      client().getBlob(ref(), layer),
      refusal('UNREACHABLE', /GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/blobs\/sha256:/, /connection broke while reading the answer \(10 bytes read\)/),
    );
  } finally {
    registry.clearFaults();
  }
});

test('a chunked body cut before its last chunk is refused the same way', async () => {
  registry.fault(/\/blobs\//, (_req, res, a) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(a.body, () => res.socket?.destroy());
  });
  try {
    await assert.rejects(client().getBlob(ref(), layer), refusal('UNREACHABLE', /connection broke while reading the answer/));
  } finally {
    registry.clearFaults();
  }
});

test('headers over 16 KiB: refused at once (not retried: the answer would be the same), named as such', async () => {
  let seen = 0;
  registry.fault(/manifests\/v1$/, (_req, res, a) => {
    seen++;
    res.writeHead(a.status, { ...a.headers, 'x-padding': 'a'.repeat(20 * 1024) }).end(a.body);
  });
  try {
    await assert.rejects(
      client(3).resolve(ref()),
      refusal('UNREACHABLE', /GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/manifests\/v1/, /headers exceed 16384 bytes/),
    );
    assert.equal(seen, 1);
  } finally {
    registry.clearFaults();
  }
});

test('a kept-alive connection the registry dropped meanwhile is replaced at once, without spending a retry', async () => {
  const sockets = new Set<Socket>();
  let dropped = false;
  registry.fault(/manifests\/v1$/, (req: IncomingMessage, res, a) => {
    // The second request on the first connection: close it unanswered, as a server timing out an idle connection does.
    if (sockets.has(req.socket) && !dropped) {
      dropped = true;
      req.socket.destroy();
      return;
    }
    sockets.add(req.socket);
    answer(res, a);
  });
  try {
    const c = client(0);
    assert.ok(await c.getManifest(ref(), 'v1'));
    // fresh: the run's answer for the tag would otherwise be the first one, with no request.
    assert.ok(await c.getManifest(ref(), 'v1', { fresh: true }), 'answered on a fresh connection');
    assert.ok(dropped);
    assert.equal(sockets.size, 2);
  } finally {
    registry.clearFaults();
  }
});

test('no Accept-Encoding is sent, and a compressed answer is refused (its bytes do not hash to the digest)', async () => {
  let acceptEncoding: string | undefined = 'unset';
  registry.fault(/\/blobs\//, (req, res, a) => {
    acceptEncoding = req.headers['accept-encoding'];
    const gz = gzipSync(a.body);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': String(gz.length) }).end(gz);
  });
  try {
    await assert.rejects(client().getBlob(ref(), layer), refusal('DIGEST_MISMATCH'));
    assert.equal(acceptEncoding, undefined);
  } finally {
    registry.clearFaults();
  }
});

test('the run timing out stops a request in flight: the run TimeoutError, or a TIMEOUT naming the request once its body streams', async () => {
  const controller = new AbortController();
  registry.fault(/\/blobs\//, (_req, res, a) => {
    res.writeHead(200, { 'content-length': String(a.body.length) });
    res.write(a.body.subarray(0, 1), () => controller.abort(new TimeoutError(1000)));
  });
  try {
    const c = new RegistryClient({ retry: { retries: 0 }, signal: controller.signal });
    // Which one depends on whether the answer's headers reached the client before the abort.
    await assert.rejects(
      c.getBlob(ref(), layer),
      (e: unknown) => e instanceof TimeoutError || refusal('TIMEOUT', /GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/blobs\/sha256:/, /1 bytes read/)(e),
    );
  } finally {
    registry.clearFaults();
  }
});

test('a registry that accepts the connection and never answers: the run abort closes the connection at once', async () => {
  const sockets: Socket[] = [];
  const closed = new Promise<void>((resolve) => {
    silent.on('connection', (s: Socket) => {
      sockets.push(s);
      s.on('close', () => resolve());
    });
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as AddressInfo).port;
    const controller = new AbortController();
    const c = new RegistryClient({ retry: { retries: 3, timeoutMs: 60_000 }, signal: controller.signal });
    const pending = c.resolve(parseReference(`127.0.0.1:${port}/app:v1`));
    await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    const reason = new TimeoutError(1000);
    controller.abort(reason);
    await assert.rejects(pending, (e: unknown) => e === reason);
    await closed; // the client's side closed it: the server never does
    assert.equal(sockets.length, 1, 'no retry after the abort');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
