// Fulcio, Rekor and the TSA each open a fixed metrics port (:2112) that no flag moves, so two stacks
// cannot run at once in one network namespace. The lock is a listening socket in the Linux abstract
// Unix namespace, which belongs to the network namespace: two suites in two namespaces (scripts/test.sh
// runs each under `unshare --net`) do not wait for each other, and the kernel releases the lock when
// its holder exits, however it exits, so no stale lock is ever left behind.
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = '\0vouch-sigstore-stack.lock';

function listen(server: Server): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err));
    server.once('error', onError);
    server.listen(LOCK, () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

/** Waits (up to `timeoutMs`) until no other stack runs in this network namespace; returns the release. */
export async function acquireStackLock(timeoutMs = 600_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = createServer();
    if (await listen(server)) {
      // The lock alone must not keep a test process alive.
      server.unref();
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (Date.now() > deadline)
      throw new Error(`waited ${timeoutMs / 1000} s for another Sigstore stack in this network namespace to stop (lock @${LOCK.slice(1)})`);
    await sleep(200);
  }
}
