// Registry faults injected by a loopback proxy (429 with Retry-After, 500s, dropped connections):
// the run still reaches the right verdicts, and what cannot be fetched is never a pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { startProxy, type LoopbackProxy } from '../support/proxy.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';

let reg: TestRegistry;
let fx: Fixtures;
before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
});
after(async () => {
  await reg.stop();
});

/** Each distinct request fails its first `failures` tries (429 Retry-After: 1, 500, or a drop), then passes through. */
async function faultyProxy(failures: number): Promise<LoopbackProxy & { injected: () => number }> {
  let injected = 0;
  const proxy = await startProxy(reg.host, (req, res, seen) => {
    if (seen >= failures) return false;
    const kind = injected++ % 3;
    if (kind === 0) res.writeHead(429, { 'retry-after': '1' }).end();
    else if (kind === 1) res.writeHead(500).end();
    else req.socket.destroy();
    return true;
  });
  return { ...proxy, injected: () => injected };
}

test('transient faults on every request: retried, and every verdict is the same as without faults', async () => {
  const proxy = await faultyProxy(1);
  try {
    const images = [fx.happy, ...fx.snapshot, fx.unsigned];
    const file = join(fx.dir, 'faulty.json');
    await writeFile(file, JSON.stringify({ components: images.map((img, i) => ({ name: `c${i}`, containerImage: img.ref.replace(reg.host, proxy.host) })) }));
    const { report } = await validateJson(['--images', file, '--public-key', fx.key.pub, '--ignore-rekor', '--strict=false'], {
      ...process.env,
      VOUCH_CACHE_DIR: join(fx.dir, 'cache-faults'),
    });
    const byName = new Map(report.components.map((c) => [String(c.name), c]));
    for (let i = 0; i < images.length - 1; i++) assert.equal(byName.get(`c${i}`)!.success, true, `c${i}`);
    const unsigned = byName.get(`c${images.length - 1}`)!;
    assert.equal(unsigned.success, false);
    assert.deepEqual(
      (unsigned.violations as { metadata: { code: string } }[]).map((v) => v.metadata.code),
      ['builtin.attestation.signature_check', 'builtin.image.signature_check'],
    );
    assert.ok(proxy.injected() > 20, `injected ${proxy.injected()} faults`);
  } finally {
    proxy.close();
  }
});

test('a registry that keeps failing: the component fails as inaccessible, never passes', async () => {
  const proxy = await faultyProxy(100);
  try {
    const { code, report } = await validateJson(['--image', fx.happy.ref.replace(reg.host, proxy.host), '--public-key', fx.key.pub, '--ignore-rekor'], {
      ...process.env,
      VOUCH_CACHE_DIR: join(fx.dir, 'cache-down'),
    });
    assert.equal(code, 1);
    assert.equal(report.success, false);
    assert.deepEqual(
      (report.components[0]!.violations as { metadata: { code: string } }[]).map((v) => v.metadata.code),
      ['builtin.image.accessible'],
    );
  } finally {
    proxy.close();
  }
});

test('a warm re-run with the on-disk verdict cache downloads no blob (one manifest request per component)', async () => {
  const proxy = await faultyProxy(0);
  try {
    const images = [fx.happy, ...fx.snapshot];
    const file = join(fx.dir, 'warm.json');
    await writeFile(file, JSON.stringify({ components: images.map((img, i) => ({ name: `w${i}`, containerImage: img.ref.replace(reg.host, proxy.host) })) }));
    const env = { ...process.env, VOUCH_CACHE_DIR: join(fx.dir, 'cache-warm') };
    const args = ['--images', file, '--public-key', fx.key.pub, '--ignore-rekor'];
    const cold = await validateJson(args, env);
    assert.equal(cold.report.success, true);
    const coldRequests = proxy.requests().length;
    const warm = await validateJson(args, env);
    assert.deepEqual(warm.report.components, cold.report.components);
    const warmRequests = proxy.requests().slice(coldRequests);
    assert.deepEqual(
      warmRequests.filter((r) => r.includes('/blobs/')),
      [],
    );
    assert.equal(warmRequests.length, images.length, warmRequests.join('\n'));
  } finally {
    proxy.close();
  }
});

test('a component waiting on Retry-After lends its worker: with --workers 1 the others are fetched during the wait', async () => {
  // The first .sig lookup, whichever component makes it, is refused once: the order in which the
  // components reach the pool is the scheduler's (a loaded machine changes it), the lending is not.
  const sigLookup = /^\/v2(\/.+)\/manifests\/sha256-[0-9a-f]{64}\.sig$/;
  let refusedUrl = '';
  const proxy = await startProxy(reg.host, (req, res, seen) => {
    // The .sig lookup happens inside the worker pool (pinning and index expansion come before it).
    if (seen > 0 || !sigLookup.test(req.url ?? '')) return false;
    refusedUrl = req.url ?? '';
    res.writeHead(429, { 'retry-after': '1' }).end();
    return true;
  });
  try {
    const images = [fx.happy, ...fx.snapshot];
    const file = join(fx.dir, 'lend.json');
    await writeFile(file, JSON.stringify({ components: images.map((img, i) => ({ name: `l${i}`, containerImage: img.ref.replace(reg.host, proxy.host) })) }));
    const { report } = await validateJson(['--images', file, '--public-key', fx.key.pub, '--ignore-rekor', '--workers', '1'], {
      ...process.env,
      VOUCH_CACHE_DIR: join(fx.dir, 'cache-lend'),
    });
    assert.equal(report.success, true);
    const log = proxy.requests();
    const waitingRepo = sigLookup.exec(refusedUrl)![1]!;
    const attempts = log.flatMap((r, i) => (r === `GET ${refusedUrl}` ? [i] : []));
    const [refused, retried] = [attempts[0]!, attempts[1]!];
    assert.ok(retried > refused, `the refused lookup is retried:\n${log.join('\n')}`);
    const othersMeanwhile = log.slice(refused + 1, retried).filter((r) => !r.includes(`${waitingRepo}/`) && /\.sig$|\.att$|\/blobs\//.test(r));
    assert.ok(othersMeanwhile.length > 0, `other components' requests between the 429 and its retry:\n${log.join('\n')}`);
  } finally {
    proxy.close();
  }
});
