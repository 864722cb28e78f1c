// Evaluates a compiled policy in-process with @open-policy-agent/opa-wasm: one instance per
// source, data set once, each entrypoint queried per input (conftest semantics).
import type { LoadedPolicy as SdkPolicy } from '@open-policy-agent/opa-wasm';
// The SDK dispatches a builtin to its own JS table before custom builtins, so a custom `sprintf`
// (needed for Go's %q and %v) or `regex.split` (the SDK's is a backtracking JavaScript RegExp, not
// RE2) would never be called. The table is a shared CommonJS object: taking the SDK's entries out of
// it (once, at load) lets ours answer. A relative import reaches the very
// module instance the SDK uses, both from source and in the esbuild bundle (same resolved file).
// @ts-expect-error -- an untyped CommonJS file inside the SDK
import sdkBuiltinTable from '../../../node_modules/@open-policy-agent/opa-wasm/src/builtins/index.js';
import { InputError, errorMessage } from '../../errors.ts';
import { HostCallError } from '../ec/bridge.ts';
import { EC_BUILTIN_NAMES } from '../opa/capabilities.ts';
import { AGGREGATE_ENTRYPOINT } from '../opa/aggregate.ts';
import type { CompiledPolicy } from '../opa/compile.ts';
import type { RawResult, RawRuleOutcome } from '../types.ts';
import { hostBuiltins, type Builtin } from './builtins.ts';
import { instantiateModule } from './instance.ts';
import { cString, utf8Encoder, type Memory } from './wasm-memory.ts';
import { patchJsonIsValid } from './patch-json-is-valid.ts';
import { attachHashCache, hashCacheOf, type StableValues } from './hash-cache.ts';
import { patchHashCache } from './patch-hash-cache.ts';
import { evaluateInstance, sharedInput } from './shared-input.ts';

const sdkBuiltins = sdkBuiltinTable as Record<string, unknown>;
for (const name of ['sprintf', 'regex.split']) Reflect.deleteProperty(sdkBuiltins, name);

/** Builtins the SDK still answers itself (JSON, yaml.*). */
const SDK_PROVIDED = new Set(Object.keys(sdkBuiltins));

export interface LoadedPolicy {
  evaluate(input: unknown): RawRuleOutcome[];
  /** The same, for an input already serialised as JSON (evaluation workers receive it so). */
  evaluateJson(json: string): RawRuleOutcome[];
  /** Parses the snapshot every following `evaluateWithSnapshot` input shows as `input.snapshot` (once per run). */
  shareSnapshot(json: string): void;
  /** `evaluateJson` for an input whose `snapshot` is a null placeholder: the shared snapshot takes its place. */
  evaluateWithSnapshot(json: string): RawRuleOutcome[];
  close(): void;
}

/** Where the shared snapshot goes in ec's input document. */
export const SHARED_INPUT_KEY = 'snapshot';

/** A compiled WebAssembly module, opaque here: threads share it through postMessage (no DOM lib types). */
export interface WasmModule {
  readonly wasmModule: unique symbol;
}
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;

/** What an instance is made from: the compiled module and its entrypoints. */
export interface PolicyProgram {
  module: WasmModule;
  entrypoints: string[];
}

/** A builtin answered by the main thread: raw JSON for the module, undefined, or a HostCallError. */
export type HostCall = (name: string, args: unknown[]) => ArrayBuffer | undefined;

export interface InstanceOptions {
  /** `time.now_ns` for the run. */
  now?: Date;
  /** Reaches the main thread for the `ec.*` builtins that need I/O (evaluation workers have it). */
  hostCall?: HostCall;
}

/**
 * Every builtin the host answers, in one place (the dispatch): vouch's own, then ec's that are not
 * among them, which need the main thread and so exist only where `hostCall` does.
 */
function builtinTable(opts: InstanceOptions): Record<string, Builtin> {
  const table = hostBuiltins(opts.now ?? new Date());
  const { hostCall } = opts;
  if (hostCall) {
    for (const name of EC_BUILTIN_NAMES) if (!(name in table)) table[name] = (...args) => hostCall(name, args);
  }
  return table;
}

/** The builtins a module needs, read through its own ABI (the SDK does not expose them). */
function requiredBuiltins(policy: SdkPolicy): string[] {
  const exports = (policy.wasmInstance as unknown as { exports: { builtins(): number; opa_json_dump(addr: number): number } }).exports;
  return Object.keys(JSON.parse(cString(policy.mem as Memory, exports.opa_json_dump(exports.builtins()))) as Record<string, number>);
}

function toRawResult(value: unknown, where: string): RawResult {
  if (typeof value === 'string') return { msg: value, metadata: {} };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { msg, _loc: _l, query: _q, ...metadata } = value as Record<string, unknown>;
    if (typeof msg !== 'string') {
      throw new InputError('RULE_RESULT_NO_MSG', `${where}: a result object has no string "msg" field: ${JSON.stringify(value).slice(0, 200)}`, {
        value: where,
      });
    }
    return { msg, metadata };
  }
  throw new InputError('RULE_RESULT_UNSUPPORTED', `${where}: results must be strings or objects with "msg", got ${JSON.stringify(value)}`, { value: where });
}

function prefixless(rule: string): string {
  return rule.replace(/^(deny|violation|warn)_?/, '');
}

/** Compiles the module once; instances (one per evaluation worker) are made from it. */
export async function policyProgram(compiled: CompiledPolicy): Promise<PolicyProgram> {
  return { module: await wasmApi.compile(patchHashCache(patchJsonIsValid(Uint8Array.from(compiled.wasm)))), entrypoints: compiled.entrypoints };
}

export async function loadCompiledPolicy(compiled: CompiledPolicy, data: Record<string, unknown>, opts: InstanceOptions = {}): Promise<LoadedPolicy> {
  return instantiatePolicy(await policyProgram(compiled), data, opts);
}

/** An instance of the module with vouch's builtins and this data, every builtin it calls answered. */
export function instantiateModuleWithData(program: PolicyProgram, data: Record<string, unknown>, opts: InstanceOptions = {}): SdkPolicy {
  const builtins = builtinTable(opts);
  // Pre-sized memory: the first evaluation of a large input does not grow page by page.
  // vouch's own builtin dispatch (instance.ts): sprintf sees sets and number text as Go's does.
  // vouch's own builtins are pure, and remembered; ec's registry builtins keep ec's caches.
  const memoize = new Set(Object.keys(builtins).filter((name) => !EC_BUILTIN_NAMES.has(name) || name.startsWith('ec.purl.')));
  const stableValues = (): StableValues | undefined => hashCacheOf(policy)?.stable();
  const policy = instantiateModule(program.module, builtins, sdkBuiltins, { initialPages: 160, memoize, stableValues });
  const missing = requiredBuiltins(policy).filter((name) => !(name in builtins) && !SDK_PROVIDED.has(name));
  if (missing.length > 0) {
    throw new InputError('WASM_BUILTIN_MISSING', `the policy uses builtins vouch does not provide: ${missing.join(', ')}`, { value: missing });
  }
  attachHashCache(policy);
  policy.setData(data);
  return policy;
}

export async function instantiatePolicy(program: PolicyProgram, data: Record<string, unknown>, opts: InstanceOptions = {}): Promise<LoadedPolicy> {
  const policy = instantiateModuleWithData(program, data, opts);
  const ruleEntrypoints = program.entrypoints.filter((e) => e !== AGGREGATE_ENTRYPOINT);
  const entrypoints = ruleEntrypoints.filter((e) => !e.endsWith('/exception'));
  const exceptions = new Set(ruleEntrypoints.filter((e) => e.endsWith('/exception')).map((e) => e.slice(0, -'/exception'.length)));
  const aggregated = program.entrypoints.includes(AGGREGATE_ENTRYPOINT);

  const shared = sharedInput(policy, SHARED_INPUT_KEY);
  /** One input's result sets by entrypoint: the SDK's evaluation, or the shared snapshot joined in. */
  type Run = (entry: string) => unknown;
  /** One entrypoint's value, named in the error when its evaluation fails. */
  const evaluateOne = (run: Run, entry: string): unknown => {
    try {
      return (run(entry) as { result?: unknown }[])[0]?.result;
    } catch (err) {
      // The main thread could not answer: not this rule's error, and no other rule's either.
      if (err instanceof HostCallError) throw err;
      const slash = entry.lastIndexOf('/');
      throw new InputError(
        'POLICY_EVALUATION',
        `evaluating ${entry.slice(0, slash).replace(/\//g, '.')}.${entry.slice(slash + 1)} failed: ${errorMessage(err) || JSON.stringify(err)}`,
        { value: entry },
      );
    }
  };
  /** Every rule's value: in one evaluation when the module has the aggregate entrypoint. */
  const evaluateAll = (run: Run): ((entry: string) => unknown) => {
    if (aggregated) {
      try {
        const all = (run(AGGREGATE_ENTRYPOINT) as { result?: Record<string, unknown> }[])[0]?.result ?? {};
        return (entry) => all[entry];
      } catch (err) {
        if (err instanceof HostCallError) throw err;
        // A rule failed: evaluate them one by one so the error names it.
      }
    }
    return (entry) => evaluateOne(run, entry);
  };
  /** Each rule entrypoint's names, worked out once per instance rather than per component. */
  const rules = entrypoints.map((entry) => {
    const slash = entry.lastIndexOf('/');
    const pkg = entry.slice(0, slash);
    const namespace = pkg.replace(/\//g, '.');
    const rule = entry.slice(slash + 1);
    return {
      entry,
      namespace,
      rule,
      kind: /^warn/.test(rule) ? ('warn' as const) : ('deny' as const),
      exceptionEntry: exceptions.has(pkg) ? `${pkg}/exception` : undefined,
      excepts: prefixless(rule),
    };
  });
  const outcomesOf = (run: Run): RawRuleOutcome[] => {
    const valueOf = evaluateAll(run);
    return rules.map(({ entry, namespace, rule, kind, exceptionEntry, excepts }) => {
      const value = valueOf(entry);
      const ex = exceptionEntry === undefined ? undefined : valueOf(exceptionEntry);
      const excepted = Array.isArray(ex) && ex.some((e) => Array.isArray(e) && e.includes(excepts));
      const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
      return { namespace, rule, kind, results: list.map((v) => toRawResult(v, `${namespace}.${rule}`)), excepted };
    });
  };
  const evaluateJson = (json: string): RawRuleOutcome[] => {
    // Encoded once for every rule.
    const encoded = utf8Encoder.encode(json);
    return outcomesOf((entry) => evaluateInstance(policy, encoded, entry));
  };
  return {
    evaluate: (input) => evaluateJson(JSON.stringify(input)),
    evaluateJson,
    shareSnapshot: (json) => shared.share(json),
    evaluateWithSnapshot(json) {
      const encoded = utf8Encoder.encode(json);
      return outcomesOf((entry) => shared.evaluate(encoded, entry));
    },
    close() {
      // The instance is garbage-collected with its memory; nothing to release explicitly.
    },
  };
}
