// Runs compiled test rules in-process, on the wasm path `validate image` uses (the patched module,
// vouch's host builtins, one instance with the data set once), and judges each as `opa test` does
// (OPA v1/tester/runner.go at commit 01c474da, `runTest`): PASS when the rule is `true`, FAIL when
// it is undefined or anything else, ERROR when evaluation stops; a partial-object test
// (`test_x[case] if …`) has one sub-result per case.
import { errorMessage } from '../../errors.ts';
import { instantiateModuleWithData, policyProgram } from '../wasm/evaluate.ts';
import { evaluateInstance } from '../wasm/shared-input.ts';
import type { TestCase } from './discover.ts';
import { offlineHostCall } from './offline-builtins.ts';
import { isRecord } from '../../util/json-shapes.ts';

export type Outcome = 'PASS' | 'FAIL' | 'SKIPPED' | 'ERROR';

export interface SubResult {
  /** The case's keys, outermost first. */
  path: string[];
  pass: boolean;
}

export interface TestResult {
  test: TestCase;
  outcome: Outcome;
  durationNs: number;
  error?: string;
  subResults?: SubResult[];
}

/** An instance of one compiled module, ready to evaluate its entrypoints with no input. */
export interface TestInstance {
  /** The entrypoint's value (undefined when undefined); throws what evaluation throws. */
  evaluate(entrypoint: string): unknown;
}

/** Instantiates a compiled module as `validate image` does, its ec.* registry builtins answered offline. */
export async function instantiateTests(wasm: Uint8Array, entrypoints: string[], data: Record<string, unknown>, now: Date): Promise<TestInstance> {
  const program = await policyProgram({ wasm, entrypoints, opaVersion: '', key: '' });
  const policy = instantiateModuleWithData(program, data, { now, hostCall: offlineHostCall });
  return {
    evaluate(entrypoint) {
      return (evaluateInstance(policy, undefined, entrypoint) as { result?: unknown }[])[0]?.result;
    },
  };
}

/** Leaf results of a partial-object test: `true` passes, anything else fails (runner.go `subResult`). */
function subResults(value: Record<string, unknown>, prefix: string[] = []): SubResult[] {
  return Object.keys(value)
    .sort()
    .flatMap((k) => (isRecord(value[k]) ? subResults(value[k], [...prefix, k]) : [{ path: [...prefix, k], pass: value[k] === true }]));
}

/** What the SDK throws (strings for aborts, plain objects for missing builtins), as text. */
function thrownText(err: unknown): string {
  if (typeof err === 'object' && err !== null && !(err instanceof Error)) return JSON.stringify(err);
  return errorMessage(err) || String(err);
}

export function runTest(instance: TestInstance, test: TestCase): TestResult {
  if (test.kind === 'skip') return { test, outcome: 'SKIPPED', durationNs: 0 };
  if (test.kind === 'function' || !test.entrypoint) {
    return { test, outcome: 'ERROR', durationNs: 0, error: `rego_type_error: function ${test.package}.${test.name} used as reference, not called` };
  }
  const start = process.hrtime.bigint();
  let value: unknown;
  try {
    value = instance.evaluate(test.entrypoint);
  } catch (err) {
    return { test, outcome: 'ERROR', durationNs: Number(process.hrtime.bigint() - start), error: thrownText(err) };
  }
  const durationNs = Number(process.hrtime.bigint() - start);
  if (test.partial && isRecord(value)) {
    const subs = subResults(value);
    return { test, outcome: subs.every((s) => s.pass) ? 'PASS' : 'FAIL', durationNs, subResults: subs };
  }
  return { test, outcome: value === true ? 'PASS' : 'FAIL', durationNs };
}
