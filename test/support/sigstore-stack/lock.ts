// Fulcio, Rekor and the TSA each open a fixed metrics port (:2112) that no flag moves, so two stacks
// cannot run at once in one network namespace: test files take this lock (a directory holding the
// owner's pid; a dead owner's lock is taken over).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'vouch-sigstore-stack.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function acquireStackLock(timeoutMs = 600_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      return () => rm(LOCK, { recursive: true, force: true });
    } catch {
      const owner = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => '0'));
      if (owner && !alive(owner)) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for another Sigstore stack (${LOCK})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
