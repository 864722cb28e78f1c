// The readiness wait every test server start goes through: it returns as soon as the server answers,
// and fails naming the server, what was polled and its log when the server exits or stays silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { acceptsConnections, httpAnswers, ServerNotReadyError, waitUntilReady } from './ready.ts';
import { freePort } from './registry.ts';

test('waits until the server answers, however long it takes to start, and no longer', async () => {
  const port = await freePort();
  const server = createServer((s) => s.end());
  let probes = 0;
  await waitUntilReady({
    name: 'late server',
    target: `127.0.0.1:${port}`,
    // The server only starts listening at the third probe: the wait must keep polling until then.
    probe: async () => {
      if (++probes === 3) await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      return acceptsConnections({ host: '127.0.0.1', port });
    },
    exited: () => undefined,
    log: () => '',
  });
  assert.equal(probes, 3);
  server.close();
});

test('a server that exits before answering fails at once, naming it and showing its log', async () => {
  const child = spawn('sh', ['-c', 'echo "listen tcp: address already in use" >&2; exit 3'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await once(child, 'exit');
  // A deadline no run reaches: failing at all proves it did not wait for it (the message says why it failed).
  await assert.rejects(
    waitUntilReady({
      name: 'fake-registry',
      target: 'http://127.0.0.1:1/v2/',
      probe: async () => false,
      exited: () => child.exitCode ?? undefined,
      log: () => log,
      deadlineMs: 24 * 3600_000,
    }),
    (e: unknown) =>
      e instanceof ServerNotReadyError &&
      /^fake-registry exited \(3\) before answering \(polled http:\/\/127\.0\.0\.1:1\/v2\/\)/.test(e.message) &&
      e.message.includes('--- fake-registry log\nlisten tcp: address already in use'),
  );
});

test('a server that never answers fails at the deadline, naming it', async () => {
  await assert.rejects(
    waitUntilReady({ name: 'silent', target: 'somewhere', probe: async () => false, exited: () => undefined, log: () => 'last words', deadlineMs: 50 }),
    (e: unknown) =>
      e instanceof ServerNotReadyError && /^silent did not answer within 0\.05 s \(polled somewhere\)\n--- silent log\nlast words/.test(e.message),
  );
});

test('a probe that throws counts as not ready yet', async () => {
  let probes = 0;
  await waitUntilReady({
    name: 'flaky',
    target: 'x',
    probe: async () => {
      if (++probes < 3) throw new Error('ECONNREFUSED');
      return true;
    },
    exited: () => undefined,
    log: () => '',
  });
  assert.equal(probes, 3);
});

test('an HTTP probe is bounded: a server that accepts but never answers cannot stall the wait', async () => {
  const hung = createHttpServer(() => {
    // never answers
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const { port } = hung.address() as { port: number };
  await assert.rejects(httpAnswers(`http://127.0.0.1:${port}/`, undefined, 100), /abort|timeout/i);
  hung.closeAllConnections();
  hung.close();
});

test('acceptsConnections tells a listening port from a closed one', async () => {
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  assert.equal(await acceptsConnections({ host: '127.0.0.1', port }), true);
  await new Promise<void>((r) => server.close(() => r()));
  assert.equal(await acceptsConnections({ host: '127.0.0.1', port }), false);
});
