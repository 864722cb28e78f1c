// A small pool of evaluation workers (worker.ts): every worker holds an instance of every policy
// source, made from modules compiled once here; each component's input is serialised once and
// evaluated by whichever worker is free. One worker starts with the pool; another (up to the size)
// only when an input waits because every worker is busy, one start at a time: a run whose
// evaluations do not overlap (a few components, most of their time spent on the registry) pays for
// one worker's start and policy load, not one per core. ec's input embeds the whole snapshot in
// every component's document: the snapshot is serialised here once, sent to each worker once and
// parsed into each instance once (shared-input.ts); a component's own input travels with a null in
// its place. The snapshot object is recognised by identity, so a caller must not change one it has
// evaluated. Evaluation never blocks this thread, so timers fire while a policy runs, and close()
// (or the abort signal) stops a runaway evaluation by terminating its thread. I/O stays here: the
// `ec.*` builtins that need the registry are answered from this thread through each worker's
// synchronous bridge (../ec/bridge.ts), for the component the worker evaluates.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { EnvironmentError, ExitCode, InputError, VouchError } from '../../errors.ts';
import { HostCallError, serveBridge, type BridgeServer, type BridgeTimes, type HostCallRequest } from '../ec/bridge.ts';
import type { EcComponentHost, EcHost, RawRuleOutcome } from '../types.ts';
import { isRecord } from '../../util/json-shapes.ts';
import { SHARED_INPUT_KEY } from './evaluate.ts';
import { startEvaluationWorker } from './worker-launch.ts';
import { EVALUATION_WORKER, type FromWorker, type SharedSnapshot, type SourceProgram, type ToWorker, type TransferredError } from './worker.ts';

export interface EvaluationPool {
  /** Instantiates every source in the workers started so far (once; a later worker loads the same before it takes an input); resolves when they are ready. */
  load(sources: SourceProgram[], now: Date): Promise<void>;
  /** Every source's raw outcomes for one input, in source order. */
  evaluate(input: unknown): Promise<RawRuleOutcome[][]>;
  /** Terminates the workers; pending evaluations reject. */
  close(): Promise<void>;
}

/** Workers for `requested` concurrent components: never more than the machine's cores. */
export function evaluationPoolSize(requested: number): number {
  return Math.max(1, Math.min(requested, availableParallelism()));
}

function revive(e: TransferredError): VouchError {
  if (e.exitCode === ExitCode.BadInput) return new InputError(e.code, e.message);
  if (e.exitCode === ExitCode.Environment) return new EnvironmentError(e.code, e.message);
  return new VouchError(e.code, e.message, { exitCode: e.exitCode });
}

interface Job {
  id: number;
  input: string;
  /** The snapshot the input's null placeholder stands for. */
  snapshot?: { id: number; json: string };
  /** The component's answers to host calls (its own blob caches). */
  host?: EcComponentHost;
  resolve(outcomes: RawRuleOutcome[][]): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  bridge: BridgeServer;
  job?: Job;
  /** The snapshot this worker's instances hold. */
  snapshotId?: number;
  /** Started after the load: takes no input until it has loaded the policy. */
  starting?: boolean;
}

/** Serialises inputs, each distinct snapshot object once: the input keeps a null in its place (same key order). */
function inputSerialiser(): (input: unknown) => { input: string; snapshot?: { id: number; json: string } } {
  const seen = new WeakMap<object, { id: number; json: string }>();
  let next = 0;
  return (input) => {
    const snapshot = isRecord(input) ? input[SHARED_INPUT_KEY] : undefined;
    if (!isRecord(input) || !isRecord(snapshot)) return { input: JSON.stringify(input) };
    let entry = seen.get(snapshot);
    if (!entry) {
      entry = { id: next++, json: JSON.stringify(snapshot) };
      seen.set(snapshot, entry);
    }
    return { input: JSON.stringify({ ...input, [SHARED_INPUT_KEY]: null }), snapshot: entry };
  };
}

export interface PoolOptions {
  /** Answers the `ec.*` host builtins; without it a call fails the evaluation. */
  ec?: EcHost;
  /** How long one host call may take before it is answered undefined, and how much longer a worker waits for that answer (tests shorten both). */
  hostCall?: BridgeTimes;
}

/** A host call from a worker, answered for the component that worker is evaluating. */
function answer(job: Job | undefined, request: HostCallRequest): Promise<unknown> {
  if (job?.host) return job.host.call(request.name, request.args);
  return Promise.reject(
    job
      ? new HostCallError('EC_BUILTIN_UNAVAILABLE', `${request.name} needs registry access, which this evaluation does not have`, ExitCode.Environment)
      : new HostCallError('EC_BUILTIN_NO_COMPONENT', `${request.name} was called outside a component's evaluation`, ExitCode.Internal),
  );
}

export function startEvaluationPool(size: number, signal?: AbortSignal, options: PoolOptions = {}): EvaluationPool {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 0;
  let failure: unknown;
  /** The load of the first worker, the only one started before the policy is known. */
  let loading: { resolve(): void; reject(err: unknown): void } | undefined;
  /** The load, as a worker started later gets it first. */
  let program: Extract<ToWorker, { kind: 'load' }> | undefined;
  const serialise = inputSerialiser();

  const fail = (err: unknown): void => {
    failure ??= err;
    loading?.reject(failure);
    for (const job of [...queue.splice(0), ...slots.flatMap((s) => (s.job ? [s.job] : []))]) job.reject(failure);
    for (const s of slots) {
      s.job = undefined;
      s.bridge.close();
      void s.worker.terminate();
    }
  };
  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.job || slot.starting || queue.length === 0 || failure !== undefined) continue;
      const job = (slot.job = queue.shift()!);
      let snapshot: SharedSnapshot | undefined;
      if (job.snapshot) {
        snapshot = slot.snapshotId === job.snapshot.id ? { id: job.snapshot.id } : job.snapshot;
        slot.snapshotId = job.snapshot.id;
      }
      slot.worker.postMessage({ kind: 'evaluate', id: job.id, input: job.input, ...(snapshot ? { snapshot } : {}) } satisfies ToWorker);
    }
    if (queue.length > 0 && failure === undefined && program && slots.length < size && !slots.some((s) => s.starting)) addSlot(program);
  };
  /** Starts a worker; one started after the load gets `load` first and takes inputs once it has loaded. */
  const addSlot = (load?: ToWorker): void => {
    const i = slots.length;
    // The worker's host calls are answered for the job it holds at the time (slots[i] below).
    const bridge = serveBridge((request) => answer(slots[i]?.job, request), options.hostCall);
    const worker = startEvaluationWorker({ vouchWorker: EVALUATION_WORKER, bridge: bridge.end }, [bridge.end.port]);
    const slot: Slot = { worker, bridge, ...(load ? { starting: true } : {}) };
    worker.on('message', (msg: FromWorker) => {
      if (msg.kind === 'loaded') {
        if (slot.starting) {
          slot.starting = false;
          dispatch();
        } else loading?.resolve();
        return;
      }
      if (msg.kind === 'failed' && msg.id === undefined) return fail(revive(msg.error));
      const job = slot.job;
      slot.job = undefined;
      // A failed evaluation may have left the snapshot unshared: the next input carries it again.
      if (msg.kind === 'failed') slot.snapshotId = undefined;
      if (job && job.id === msg.id) {
        if (msg.kind === 'outcomes') job.resolve(msg.outcomes);
        else job.reject(revive(msg.error));
      }
      dispatch();
    });
    // A worker that dies (out of memory, a bug) fails the run: never a verdict without evaluation.
    worker.on('error', (err: Error) => fail(new EnvironmentError('POLICY_WORKER_FAILED', `a policy evaluation worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (failure === undefined) fail(new EnvironmentError('POLICY_WORKER_FAILED', `a policy evaluation worker exited (code ${code})`));
    });
    slots.push(slot);
    if (load) worker.postMessage(load);
  };
  if (size > 0) addSlot();
  const onAbort = (): void => fail(signal?.reason ?? new VouchError('ABORTED', 'policy evaluation was aborted'));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });

  return {
    load(sources, now) {
      if (failure !== undefined) return Promise.reject(failure);
      if (program) return Promise.reject(new VouchError('POLICY_WORKER_BUG', 'the evaluation pool was loaded twice'));
      const load = (program = { kind: 'load', sources, nowMs: now.getTime() });
      return new Promise<void>((resolve, reject) => {
        loading = { resolve, reject };
        slots[0]?.worker.postMessage(load);
      });
    },
    evaluate(input) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<RawRuleOutcome[][]>((resolve, reject) => {
        const host = options.ec?.forComponent();
        queue.push({ id: nextId++, ...serialise(input), ...(host ? { host } : {}), resolve, reject });
        dispatch();
      });
    },
    async close() {
      signal?.removeEventListener('abort', onAbort);
      failure ??= new VouchError('POLICY_CLOSED', 'the policy evaluator was closed');
      fail(failure);
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
