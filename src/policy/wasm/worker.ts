// The evaluation worker: a thread that holds one instance of each policy source and evaluates
// components' inputs on request, so that a long evaluation never blocks the main thread (which
// keeps the --timeout clock and all I/O) and can be stopped by terminating the thread.
//
// It is the entry of the worker's own build, embedded in dist/index.js (scripts/bundle.ts,
// worker-launch.ts); from source, the pool starts this file itself. Its top level serves when
// `workerData.vouchWorker` says so. Messages are typed below; the main thread owns all I/O, which
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

/**
 * The snapshot an input shows, sent once per worker: `json` comes with the first input that needs
 * it, later inputs name it by `id` (their `snapshot` is a null placeholder).
 */
export interface SharedSnapshot {
  id: number;
  json?: string;
}

export type ToWorker = { kind: 'load'; sources: SourceProgram[]; nowMs: number } | { kind: 'evaluate'; id: number; input: string; snapshot?: SharedSnapshot };

/** A typed error, as it crosses threads (classes do not). */
export interface TransferredError {
  code: ErrorCode;
  message: string;
  exitCode: ExitCode;
}

export type FromWorker =
  { kind: 'loaded' } | { kind: 'outcomes'; id: number; outcomes: RawRuleOutcome[][] } | { kind: 'failed'; id?: number; error: TransferredError };

export function transferable(err: unknown): TransferredError {
  if (err instanceof VouchError) return { code: err.code, message: err.message, exitCode: err.exitCode };
  return { code: 'POLICY_WORKER_BUG', message: errorMessage(err) || String(err), exitCode: ExitCode.Internal };
}

/** Every source's outcomes for one input, its snapshot shared when the pool split it off. */
function evaluateWith(list: LoadedPolicy[], msg: Extract<ToWorker, { kind: 'evaluate' }>, held: { snapshotId?: number }): RawRuleOutcome[][] {
  const { snapshot } = msg;
  if (!snapshot) return list.map((p) => p.evaluateJson(msg.input));
  if (snapshot.json !== undefined) {
    // Marked held only once every instance has it (a failure leaves none claimed).
    held.snapshotId = undefined;
    for (const p of list) p.shareSnapshot(snapshot.json);
    held.snapshotId = snapshot.id;
  } else if (snapshot.id !== held.snapshotId) {
    throw new VouchError('POLICY_WORKER_BUG', `an input of snapshot ${snapshot.id} reached a worker holding ${String(held.snapshotId)}`);
  }
  return list.map((p) => p.evaluateWithSnapshot(msg.input));
}

function serve(port: NonNullable<typeof parentPort>, bridge: BridgeEnd | undefined): void {
  let loaded: Promise<LoadedPolicy[]> | undefined;
  const held: { snapshotId?: number } = {};
  const host = bridge ? new SyncHostCaller(bridge) : undefined;
  const hostCall = host ? { hostCall: (name: string, args: unknown[]) => host.call(name, args) } : {};
  const reply = (msg: FromWorker): void => port.postMessage(msg);
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'load') {
      const now = new Date(msg.nowMs);
      held.snapshotId = undefined;
      loaded = Promise.all(msg.sources.map((s) => instantiatePolicy(s, s.data, { now, ...hostCall })));
      loaded.then(
        () => reply({ kind: 'loaded' }),
        (err: unknown) => reply({ kind: 'failed', error: transferable(err) }),
      );
      return;
    }
    const policies = loaded ?? Promise.reject(new VouchError('POLICY_NOT_LOADED', 'evaluation before the policy was loaded'));
    policies
      .then(
        (list) => {
          // One component: ec's builtins are memoised per evaluation, never across components.
          host?.reset();
          reply({ kind: 'outcomes', id: msg.id, outcomes: evaluateWith(list, msg, held) });
        },
        (err: unknown) => reply({ kind: 'failed', id: msg.id, error: transferable(err) }),
      )
      .catch((err: unknown) => reply({ kind: 'failed', id: msg.id, error: transferable(err) }));
  });
}

const data = workerData as { vouchWorker?: unknown; bridge?: BridgeEnd } | null;
if (!isMainThread && parentPort && data?.vouchWorker === EVALUATION_WORKER) serve(parentPort, data.bridge);
