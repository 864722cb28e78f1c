// --timeout: the whole run, trust root included, races a timer; expiry aborts everything in flight.
import { formatDuration } from '../config/duration.ts';
import { ExitCode, VouchError } from '../errors.ts';

export class TimeoutError extends VouchError {
  constructor(ms: number) {
    // ec's words, the duration as Go prints it (`5m0s`).
    super('TIMEOUT', `exceeded allowed execution time of ${formatDuration(ms)}, the timeout can be adjusted using the --timeout command line argument`, {
      exitCode: ExitCode.Timeout,
      value: ms,
    });
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `work` under --timeout (0: none). Expiry aborts its signal, which terminates the policy
 * evaluation workers (a long evaluation never blocks this thread, so the timer does fire), stops
 * registry requests and opa compiles: the process can exit at once with ec's message.
 */
export async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (ms <= 0) return work(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(ms);
      // Settled before the abort: work that rejects at once on abort must not win the race.
      reject(err);
      controller.abort(err);
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work(controller.signal), expiry]);
  } finally {
    clearTimeout(timer);
  }
}
