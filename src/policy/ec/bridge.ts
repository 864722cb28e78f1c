// The synchronous bridge that lets a host builtin running inside wasm (called synchronously, in an
// evaluation worker) get an answer that needs registry I/O (asynchronous, on the main thread, which
// owns the one registry client of the run):
//
//   worker (blocked in one builtin call)          main thread (free: an event loop)
//   state[0] = 0; port.postMessage(request)  ──▶  handler(request): the registry client, caches
//   Atomics.wait(state, 0, 0, deadline)             … awaits …
//                                            ◀──  port.postMessage(reply); state[0] = 1; notify
//   receiveMessageOnPort(port) → reply              (a message is queued before the flag is set)
//
// Only the calling worker waits: the main thread and the other workers go on. The main thread
// answers every call within a budget (a call still running then is undefined: ec's rule for a
// builtin whose fetch failed). The worker's own deadline, longer than the budget, only guards
// against a main thread that can no longer answer: the evaluation then fails, never a verdict. An
// aborted run (--timeout) terminates the workers, which ends a wait at once.
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ExitCode, VouchError, type ErrorCode } from '../../errors.ts';
import { encodeExactJson } from '../builtins/value.ts';

/** How long the main thread lets one call run before answering undefined. */
const HOST_CALL_BUDGET_MS = 5 * 60_000;
/** How long past the budget a worker waits before it gives the main thread up. */
const HOST_CALL_MARGIN_MS = 60_000;

export interface BridgeTimes {
  budgetMs?: number;
  marginMs?: number;
}

/** The worker's end, handed over in workerData (the port in the transfer list). */
export interface BridgeEnd {
  port: MessagePort;
  /** One Int32 on a SharedArrayBuffer: 1 once a reply is queued. */
  state: Int32Array;
  deadlineMs: number;
}

export interface HostCallRequest {
  id: number;
  name: string;
  args: unknown[];
}

type HostCallReply = { id: number; json?: ArrayBuffer } | { id: number; error: { code: ErrorCode; message: string; exitCode: ExitCode } };

/** A host call that could not be answered: the evaluation stops (never a rule's "undefined"). */
export class HostCallError extends VouchError {
  constructor(code: ErrorCode, message: string, exitCode: ExitCode) {
    super(code, message, { exitCode });
    this.name = 'HostCallError';
  }
}

/** Answers one request: a value (undefined allowed); a rejection fails the caller's evaluation. */
export type HostCallHandler = (request: HostCallRequest) => Promise<unknown>;

export interface BridgeServer {
  /** The end to transfer to the worker. */
  end: BridgeEnd;
  close(): void;
}

/** The value as the wasm SDK takes a result: raw JSON text in an ArrayBuffer (exact numbers). */
function encoded(value: unknown): ArrayBuffer | undefined {
  if (value === undefined) return undefined;
  const bytes = new TextEncoder().encode(encodeExactJson(value));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function withinBudget(work: Promise<unknown>, budgetMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), budgetMs);
    timer.unref();
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

/** The main thread's side of one worker's bridge. */
export function serveBridge(handler: HostCallHandler, times: BridgeTimes = {}): BridgeServer {
  const budgetMs = times.budgetMs ?? HOST_CALL_BUDGET_MS;
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(4));
  const reply = (message: HostCallReply, transfer: ArrayBuffer[] = []): void => {
    port1.postMessage(message, transfer);
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  };
  port1.on('message', (request: HostCallRequest) => {
    withinBudget(handler(request), budgetMs).then(
      (value) => {
        const json = encoded(value);
        reply(json ? { id: request.id, json } : { id: request.id }, json ? [json] : []);
      },
      (err: unknown) => {
        const e = err instanceof VouchError ? err : new VouchError('EC_BUILTIN_BUG', `${request.name}: ${String(err)}`);
        reply({ id: request.id, error: { code: e.code, message: e.message, exitCode: e.exitCode } });
      },
    );
  });
  return {
    end: { port: port2, state, deadlineMs: budgetMs + (times.marginMs ?? HOST_CALL_MARGIN_MS) },
    close: () => port1.close(),
  };
}

/** The worker's side: blocking calls to the main thread, memoised per evaluation as ec memoises. */
export class SyncHostCaller {
  private readonly end: BridgeEnd;
  private next = 0;
  private readonly memo = new Map<string, ArrayBuffer | undefined>();
  /** Once a call failed, the rest of the evaluation fails at once (no second wait). */
  private failed: HostCallError | undefined;

  constructor(end: BridgeEnd) {
    this.end = end;
  }

  /** A new evaluation (one component): ec's memoisation is per evaluation. */
  reset(): void {
    this.memo.clear();
    this.failed = undefined;
  }

  call(name: string, args: unknown[]): ArrayBuffer | undefined {
    if (this.failed) throw this.failed;
    const key = `${name}\0${JSON.stringify(args)}`;
    if (this.memo.has(key)) return this.memo.get(key);
    try {
      const value = this.roundTrip(name, args);
      this.memo.set(key, value);
      return value;
    } catch (err) {
      this.failed = err instanceof HostCallError ? err : new HostCallError('EC_BUILTIN_BUG', `${name}: ${String(err)}`, ExitCode.Internal);
      throw this.failed;
    }
  }

  private roundTrip(name: string, args: unknown[]): ArrayBuffer | undefined {
    const { port, state, deadlineMs } = this.end;
    const id = ++this.next;
    const deadline = Date.now() + deadlineMs;
    Atomics.store(state, 0, 0);
    port.postMessage({ id, name, args } satisfies HostCallRequest);
    for (;;) {
      const reply = this.take(id);
      if (reply) {
        if ('error' in reply) throw new HostCallError(reply.error.code, reply.error.message, reply.error.exitCode);
        return reply.json;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new HostCallError('EC_BUILTIN_NO_ANSWER', `${name}: the main thread did not answer within ${Math.round(deadlineMs / 1000)} s`, ExitCode.Internal);
      }
      Atomics.wait(state, 0, 0, left);
      // Cleared before the next look: a reply queued after it sets the flag again.
      Atomics.store(state, 0, 0);
    }
  }

  /** This call's reply if queued; replies to calls given up before are dropped. */
  private take(id: number): HostCallReply | undefined {
    for (;;) {
      const received: { message: HostCallReply } | undefined = receiveMessageOnPort(this.end.port);
      if (!received) return undefined;
      if (received.message.id === id) return received.message;
    }
  }
}
