// The Sigstore stack lock: one stack per network namespace, released by the kernel when its holder
// dies, and no wait at all for a stack in another namespace (a second suite running at once). Each
// scenario runs in a network namespace of its own (`unshare --net`), so a stack that this suite's
// other tests run meanwhile cannot hold the lock the scenario looks at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const lockModule = JSON.stringify(new URL('./lock.ts', import.meta.url).href);

const canUnshare = ((): boolean => {
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = canUnshare ? false : 'needs unshare --net (root)';

/**
 * Runs `body` (a module script with `acquireStackLock` and `holder(prefix)` in scope) in a fresh
 * network namespace; returns what it printed. A holder is a node process (under `prefix`, e.g.
 * `unshare --net` for yet another namespace) that takes the lock and keeps it until killed.
 */
async function scenario(body: string): Promise<string> {
  const script = `
    import { spawn } from 'node:child_process';
    import { once } from 'node:events';
    const { acquireStackLock } = await import(${lockModule});
    const holderScript = 'const { acquireStackLock } = await import(${lockModule.replaceAll("'", "\\'")}); await acquireStackLock(1000); console.log("held"); setInterval(() => {}, 1000);';
    function holder(prefix = []) {
      const [cmd, ...args] = [...prefix, process.execPath, '--input-type=module', '-e', holderScript];
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      const ready = new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => d.toString().includes('held') && resolve());
        child.once('exit', (code) => reject(new Error('lock holder exited with ' + code)));
      });
      return { ready, async kill() { const exited = once(child, 'exit'); child.kill('SIGKILL'); await exited; } };
    }
    ${body}
  `;
  const { stdout } = await run('unshare', ['--net', process.execPath, '--input-type=module', '-e', script]);
  return stdout.trim();
}

test('a second stack in the same network namespace waits; the release lets it in', { skip }, async () => {
  const out = await scenario(`
    const release = await acquireStackLock(1000);
    const second = await acquireStackLock(300).then(() => 'acquired', (e) => e.message);
    await release();
    const again = await acquireStackLock(1000);
    await again();
    console.log(second);
  `);
  assert.match(out, /^waited 0\.3 s for another Sigstore stack in this network namespace/);
});

test('a holder that dies without releasing leaves no stale lock', { skip }, async () => {
  const out = await scenario(`
    const h = holder();
    await h.ready;
    const blocked = await acquireStackLock(300).then(() => 'acquired', (e) => e.message);
    await h.kill();
    const release = await acquireStackLock(5000);
    await release();
    console.log(blocked.startsWith('waited') ? 'blocked, then free' : blocked);
  `);
  assert.equal(out, 'blocked, then free');
});

test('a stack in another network namespace does not block this one', { skip }, async () => {
  const out = await scenario(`
    const h = holder(['unshare', '--net']);
    await h.ready;
    try {
      const release = await acquireStackLock(1000);
      await release();
      console.log('not blocked');
    } finally {
      await h.kill();
    }
  `);
  assert.equal(out, 'not blocked');
});
