// The Sigstore stack lock: one stack per network namespace, released by the kernel when its holder
// dies, and no wait at all for a stack in another namespace (a second suite running at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { acquireStackLock } from './lock.ts';

const canUnshare = ((): boolean => {
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A node process (run under `prefix`, e.g. `unshare --net`) that takes the lock, says so, and holds it until killed. */
function holder(prefix: string[] = []): { ready: Promise<void>; kill(): Promise<void> } {
  const script = `const { acquireStackLock } = await import(${JSON.stringify(new URL('./lock.ts', import.meta.url).href)}); await acquireStackLock(1000); console.log('held'); setInterval(() => {}, 1000);`;
  const [cmd, ...args] = [...prefix, process.execPath, '--input-type=module', '-e', script];
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return {
    ready,
    async kill() {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

test('a second stack in the same network namespace waits; the release lets it in', async () => {
  const release = await acquireStackLock();
  await assert.rejects(acquireStackLock(300), /waited 0\.3 s for another Sigstore stack in this network namespace/);
  await release();
  const again = await acquireStackLock(1000);
  await again();
});

test('a holder that dies without releasing leaves no stale lock', async () => {
  const h = holder();
  await h.ready;
  await assert.rejects(acquireStackLock(300), /waited/);
  await h.kill();
  const release = await acquireStackLock(5000);
  await release();
});

test('a stack in another network namespace does not block this one', { skip: canUnshare ? false : 'needs unshare --net (root)' }, async () => {
  const h = holder(['unshare', '--net']);
  await h.ready;
  try {
    const release = await acquireStackLock(1000);
    await release();
  } finally {
    await h.kill();
  }
});
