// https source downloads against a real server on loopback: redirects are checked hop by hop before
// any connection, the body is abandoned at the size limit while streaming, and one deadline covers
// the whole download (a trickling body included).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { EnvironmentError, InputError } from '../../../../src/errors.ts';
import { DOWNLOAD_LIMITS, download } from '../../../../src/policy/sources/download.ts';

let server: Server;
let base: string;
/** Bytes the server managed to write per path, to show where the client stopped. */
const written = new Map<string, number>();

function endless(req: IncomingMessage, res: ServerResponse, chunk: Buffer, intervalMs: number, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let sent = 0;
  const push = (): void => {
    while (sent < total) {
      sent += chunk.length;
      written.set(req.url!, sent);
      if (!res.write(chunk)) {
        res.once('drain', push);
        return;
      }
      if (intervalMs > 0) {
        setTimeout(push, intervalMs);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => written.set(req.url!, sent));
  push();
}

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/to-plain-http') res.writeHead(302, { location: 'http://policies.example.com/p.tar.gz' }).end();
    else if (url === '/to-file') res.writeHead(301, { location: 'file:///etc/passwd' }).end();
    else if (url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url === '/to-ok') res.writeHead(307, { location: '/ok' }).end();
    else if (url === '/ok') res.writeHead(200).end('policy bytes');
    else if (url === '/big-declared') res.writeHead(200, { 'content-length': String(DOWNLOAD_LIMITS.maxBytes + 1) }).end();
    else if (url === '/endless') endless(req, res, Buffer.alloc(64 * 1024), 0, 4 * DOWNLOAD_LIMITS.maxBytes);
    else if (url === '/trickle') endless(req, res, Buffer.from('x'), 50, 1_000_000);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('a redirect from loopback to plain http elsewhere is refused before connecting to it', async () => {
  await assert.rejects(download(`${base}/to-plain-http`), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.code, 'INSECURE_SOURCE');
    assert.match(e.message, /http:\/\/policies\.example\.com\/p\.tar\.gz \(policy source http:\/\/127\.0\.0\.1:\d+\/to-plain-http redirected there from/);
    return true;
  });
});

test('a redirect to a non-http scheme is refused; redirect loops stop at the hop limit', async () => {
  await assert.rejects(
    download(`${base}/to-file`),
    (e: unknown) => e instanceof InputError && e.code === 'SOURCE_URL_INVALID' && e.message.includes('file:///etc/passwd'),
  );
  await assert.rejects(
    download(`${base}/loop`),
    (e: unknown) =>
      e instanceof EnvironmentError && e.code === 'SOURCE_DOWNLOAD_FAILED' && e.message.includes(`more than ${DOWNLOAD_LIMITS.maxRedirects} redirects`),
  );
  assert.equal((await download(`${base}/to-ok`)).toString(), 'policy bytes');
});

test('a body over the limit is abandoned while streaming, whether declared or not', async () => {
  await assert.rejects(
    download(`${base}/big-declared`),
    (e: unknown) => e instanceof InputError && e.code === 'SOURCE_TOO_LARGE' && e.message.includes(String(DOWNLOAD_LIMITS.maxBytes)),
  );
  await assert.rejects(
    download(`${base}/endless`, 'policy source S'),
    (e: unknown) => e instanceof InputError && e.code === 'SOURCE_TOO_LARGE' && e.message.includes('policy source S'),
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.ok((written.get('/endless') ?? 0) < 2 * DOWNLOAD_LIMITS.maxBytes, `the server wrote ${String(written.get('/endless'))} bytes`);
});

test('a trickling body stops at the total deadline with a typed error naming the source', async () => {
  const started = Date.now();
  await assert.rejects(download(`${base}/trickle`, 'policy source T', { ...DOWNLOAD_LIMITS, deadlineMs: 700 }), (e: unknown) => {
    assert.ok(e instanceof EnvironmentError, String(e));
    assert.equal(e.code, 'SOURCE_DOWNLOAD_TIMEOUT');
    assert.match(e.message, /policy source T did not finish within 0\.7 s/);
    return true;
  });
  assert.ok(Date.now() - started >= 650, 'stopped at the deadline, not before (the trickle lasts hours: only the deadline ends it)');
});
