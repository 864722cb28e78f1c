// How the pool starts an evaluation worker. In dist/index.js the worker's own build is embedded as
// a string (scripts/bundle.ts): a worker compiles only the evaluation code (the wasm SDK, the host
// builtins, the bridge), not the whole CLI with its HTTP, registry and Sigstore stacks, and the
// product stays one file. From source (the tests run the .ts files), it starts from worker.ts.
import { Worker, type Transferable } from 'node:worker_threads';

declare const __VOUCH_EVALUATION_WORKER__: string | undefined;

/** The worker's code in the bundle (an IIFE taking `require`); undefined from source. */
const EMBEDDED_WORKER_CODE: string | undefined = typeof __VOUCH_EVALUATION_WORKER__ === 'string' ? __VOUCH_EVALUATION_WORKER__ : undefined;

/** The name the embedded code's functions show under (stack traces, CPU profiles). */
export const WORKER_FILENAME = 'vouch-evaluation-worker.js';

/**
 * What an `eval` worker runs: the embedded code, handed over in workerData, compiled once as a
 * function. Evaluating the code itself would parse it twice: Node first parses `eval` code to look
 * for ES module syntax (measured: ~10–15 ms of CPU per worker).
 */
const BOOT = `const { workerData } = require('node:worker_threads');
require('node:vm').compileFunction(workerData.code, ['require'], { filename: ${JSON.stringify(WORKER_FILENAME)} })(require);`;

/** Starts a worker running `code` (the embedded build by default) or, without code, worker.ts. */
export function startEvaluationWorker(workerData: Record<string, unknown>, transferList: Transferable[], code = EMBEDDED_WORKER_CODE): Worker {
  if (code === undefined) return new Worker(new URL('./worker.ts', import.meta.url), { workerData, transferList });
  return new Worker(BOOT, { eval: true, workerData: { ...workerData, code }, transferList });
}
