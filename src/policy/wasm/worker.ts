// The evaluation worker: a thread that holds one instance of each policy source and evaluates
// components' inputs on request, so that a long evaluation never blocks the main thread (which
// keeps the --timeout clock and all I/O) and can be stopped by terminating the thread.
//
// It starts from the same file as the main thread (dist/index.js is one bundle): the entry point
// sees `workerData.vouchWorker` and imports this module, whose top level then serves. From source,
// the pool starts this file itself. Messages are typed below; the main thread owns all I/O, which
// the `ec.*` builtins reach through the bridge in workerData (../ec/bridge.ts).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ExitCode, VouchError, errorMessage, type ErrorCode } from '../../errors.ts';
import { SyncHostCaller, type BridgeEnd } from '../ec/bridge.ts';
import type { RawRuleOutcome } from '../types.ts';
import { instantiatePolicy, type LoadedPolicy, type PolicyProgram } from './evaluate.ts';

export const EVALUATION_WORKER = 'policy-evaluation';

/** One policy source: its compiled program and its data (rule data, config). */
export interface SourceProgram extends PolicyProgram {
  data: Record<string, unknown>;
}

export type ToWorker = { kind: 'load'; sources: SourceProgram[]; nowMs: number } | { kind: 'evaluate'; id: number; input: string };

/** A typed error, as it crosses threads (classes do not). */
export interface TransferredError {
  code: ErrorCode;
  message: string;
  exitCode: ExitCode;
}

export type FromWorker =
  | { kind: 'loaded' }
  | { kind: 'outcomes'; id: number; outcomes: RawRuleOutcome[][] }
  | { kind: 'failed'; id?: number; error: TransferredError };

/** The URL a pool starts a worker from: this module from source, the bundle when bundled. */
export function evaluationWorkerUrl(): URL {
  return new URL(import.meta.url);
}

export function transferable(err: unknown): TransferredError {
  if (err instanceof VouchError) return { code: err.code, message: err.message, exitCode: err.exitCode };
  return { code: 'POLICY_WORKER_BUG', message: errorMessage(err) || String(err), exitCode: ExitCode.Internal };
}

function serve(port: NonNullable<typeof parentPort>, bridge: BridgeEnd | undefined): void {
  let loaded: Promise<LoadedPolicy[]> | undefined;
  const host = bridge ? new SyncHostCaller(bridge) : undefined;
  const hostCall = host ? { hostCall: (name: string, args: unknown[]) => host.call(name, args) } : {};
  const reply = (msg: FromWorker): void => port.postMessage(msg);
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'load') {
      const now = new Date(msg.nowMs);
      loaded = Promise.all(msg.sources.map((s) => instantiatePolicy(s, s.data, { now, ...hostCall })));
      loaded.then(
        () => reply({ kind: 'loaded' }),
        (err: unknown) => reply({ kind: 'failed', error: transferable(err) }),
      );
      return;
    }
    const policies = loaded ?? Promise.reject(new VouchError('POLICY_NOT_LOADED', 'evaluation before the policy was loaded'));
    policies.then(
      (list) => {
        // One component: ec's builtins are memoised per evaluation, never across components.
        host?.reset();
        reply({ kind: 'outcomes', id: msg.id, outcomes: list.map((p) => p.evaluateJson(msg.input)) });
      },
      (err: unknown) => reply({ kind: 'failed', id: msg.id, error: transferable(err) }),
    ).catch((err: unknown) => reply({ kind: 'failed', id: msg.id, error: transferable(err) }));
  });
}

const data = workerData as { vouchWorker?: unknown; bridge?: BridgeEnd } | null;
if (!isMainThread && parentPort && data?.vouchWorker === EVALUATION_WORKER) serve(parentPort, data.bridge);
