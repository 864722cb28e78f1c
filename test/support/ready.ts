// Waiting for the servers tests start: poll until they answer, never sleep a fixed time. A server
// that exits, or does not answer before the deadline, fails the test with its name and its log.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Long enough for a server starting on a loaded 2-core machine (two suites at once). */
export const START_DEADLINE_MS = 90_000;

export interface ReadinessCheck {
  /** The server, as the error names it. */
  name: string;
  /** What "answers" means, for the error: a URL, a socket path. */
  target: string;
  /** Resolves true once the server answers; false (or a rejection) while it does not yet. */
  probe(): Promise<boolean>;
  /** The exit status once the process has exited (it never will answer), else undefined. */
  exited(): number | string | undefined;
  /** The server's recent output or where its log is, for the error. */
  log(): string;
  deadlineMs?: number;
}

/** Thrown when a server exits or stays silent: names the server, what was polled, and its log. */
export class ServerNotReadyError extends Error {
  constructor(check: ReadinessCheck, reason: string) {
    super(`${check.name} ${reason} (polled ${check.target})\n--- ${check.name} log\n${check.log().slice(-4000)}`);
    this.name = 'ServerNotReadyError';
  }
}

export async function waitUntilReady(check: ReadinessCheck): Promise<void> {
  const deadlineMs = check.deadlineMs ?? START_DEADLINE_MS;
  const deadline = Date.now() + deadlineMs;
  for (let interval = 20; ; interval = Math.min(interval * 2, 250)) {
    const status = check.exited();
    if (status !== undefined) throw new ServerNotReadyError(check, `exited (${status}) before answering`);
    if (await check.probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new ServerNotReadyError(check, `did not answer within ${deadlineMs / 1000} s`);
    await sleep(interval);
  }
}

/** True once `url` answers an HTTP status `accept` allows; one attempt is bounded so a hung accept cannot stall the wait. */
export async function httpAnswers(url: string, accept: (status: number) => boolean = (s) => s < 500, attemptMs = 5_000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(attemptMs) });
  await res.body?.cancel();
  return accept(res.status);
}

/** True once something accepts connections on a TCP port or a Unix socket. */
export function acceptsConnections(target: { host: string; port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
