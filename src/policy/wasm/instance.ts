// A policy instance whose builtin calls vouch dispatches. The SDK's loadPolicy hands every host
// builtin its arguments through the module's JSON dump (@open-policy-agent/opa-wasm 1.10.0
// src/opa.js `_builtinCall`), where a set becomes an array and a number loses its text; Go's sprintf
// prints both (`{"a", "b"}`, `%!d(float64=1)` for `1.0`). Builtins named in `regoValueArgs` get
// their arguments through `opa_value_dump` instead (rego-value.ts); every other one as the SDK does.
// Instantiation and the ABI check follow the SDK's `_importObject`/`_preparePolicy`; evaluation is
// the SDK's own LoadedPolicy.
import type { LoadedPolicy as SdkPolicy } from '@open-policy-agent/opa-wasm';
// @ts-expect-error -- an untyped CommonJS file inside the SDK (the package exports no LoadedPolicy under ESM)
import sdkModule from '../../../node_modules/@open-policy-agent/opa-wasm/src/opa.js';
import { InputError } from '../../errors.ts';
import type { StableValues } from './hash-cache.ts';
import { RegoValueSyntaxError, parseRegoValue } from './rego-value.ts';
import { cString, parseJsonInto, utf8Encoder, type Memory } from './wasm-memory.ts';

interface Exports {
  builtins(): number;
  opa_json_dump(addr: number): number;
  opa_value_dump(addr: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_malloc(len: number): number;
  opa_wasm_abi_version?: { value: number };
  opa_wasm_abi_minor_version?: { value: number };
}

interface Instance {
  readonly exports: Exports;
}

const wasm = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number }) => Memory; Instance: new (m: object, imports: object) => Instance };
  }
).WebAssembly;

const SdkLoadedPolicy = (sdkModule as { LoadedPolicy: new (instance: Instance, memory: Memory, minorVersion: number) => SdkPolicy }).LoadedPolicy;

export type HostBuiltin = (...args: unknown[]) => unknown;

/** Builtins whose arguments keep Rego's sets and number text: Go's sprintf prints both. */
const REGO_VALUE_BUILTINS: ReadonlySet<string> = new Set(['sprintf']);

const NO_RESULT = Symbol('undefined');

/**
 * Answers of pure builtins by their arguments' text, for one instance: at most 64 MiB of keys and
 * answers (a key over 1 Mi characters is not kept); full, it starts again empty.
 */
class BuiltinMemo {
  private readonly answers = new Map<string, ArrayBuffer | typeof NO_RESULT>();
  private bytes = 0;

  get(key: string): ArrayBuffer | typeof NO_RESULT | undefined {
    return this.answers.get(key);
  }

  set(key: string, answer: ArrayBuffer | typeof NO_RESULT): void {
    if (key.length > 1024 * 1024) return;
    const size = key.length * 2 + (answer === NO_RESULT ? 0 : answer.byteLength);
    if (this.bytes + size > 64 * 1024 * 1024) {
      this.answers.clear();
      this.bytes = 0;
    }
    this.answers.set(key, answer);
    this.bytes += size;
  }
}

/** Instantiates the module with vouch's builtin dispatch; `fallback` answers what `builtins` does not (the SDK's own JS builtins). */
export function instantiateModule(
  module: object,
  builtins: Record<string, HostBuiltin>,
  fallback: Record<string, unknown>,
  opts: {
    initialPages: number;
    regoValueArgs?: ReadonlySet<string>;
    memoize?: ReadonlySet<string>;
    /** Which values do not change, and how long (hash-cache.ts): pure builtins' answers over them are remembered by address. */
    stableValues?: () => StableValues | undefined;
  },
): SdkPolicy {
  const memory = new wasm.Memory({ initial: opts.initialPages });
  const regoValueArgs = opts.regoValueArgs ?? REGO_VALUE_BUILTINS;
  const names = new Map<number, string>();
  // Set once the instance exists; the module calls no builtin while it is being instantiated.
  const holder: { exports?: Exports } = {};

  /** An argument's text as the module dumps it: Rego syntax for sprintf (sets, number text), else JSON. */
  const dump = (ex: Exports, name: string, addr: number): { text: string; rego: boolean } =>
    regoValueArgs.has(name) ? { text: cString(memory, ex.opa_value_dump(addr)), rego: true } : { text: cString(memory, ex.opa_json_dump(addr)), rego: false };
  const argument = (ex: Exports, name: string, addr: number, text = dump(ex, name, addr)): unknown => {
    if (text.rego) {
      try {
        return parseRegoValue(text.text);
      } catch (err) {
        // Not expected: the module writes the syntax read here. The JSON dump still carries the value.
        if (!(err instanceof RegoValueSyntaxError)) throw err;
      }
      return JSON.parse(cString(memory, ex.opa_json_dump(addr))) as unknown;
    }
    return JSON.parse(text.text) as unknown;
  };
  /** A result into the module: an ArrayBuffer as ready JSON text, anything else as its JSON (0 = undefined). */
  const toModule = (ex: Exports, value: unknown): number => {
    if (value === undefined) return 0;
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : utf8Encoder.encode(JSON.stringify(value));
    return parseJsonInto(ex, memory, bytes, "a builtin's answer");
  };
  const memo = new BuiltinMemo();
  /** A pure builtin's answer, remembered by its arguments' text. */
  const remembered = (ex: Exports, name: string, impl: HostBuiltin, addrs: number[]): ArrayBuffer | typeof NO_RESULT => {
    const texts = addrs.map((a) => dump(ex, name, a));
    const key = `${name}\u0000${texts.map((t) => t.text).join('\u0000')}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const result: unknown = impl(...addrs.map((a, i) => argument(ex, name, a, texts[i])));
    const answer = result === undefined ? NO_RESULT : result instanceof ArrayBuffer ? result : utf8Encoder.encode(JSON.stringify(result)).buffer;
    memo.set(key, answer);
    return answer;
  };
  // Answers by the arguments' addresses, for arguments that cannot change (opts.stableValues):
  // the data's and snapshot's for the instance, the input's for one evaluation.
  const byAddress = {
    lasting: new Map<string, ArrayBuffer | typeof NO_RESULT>(),
    epoch: -1,
    current: new Map<string, ArrayBuffer | typeof NO_RESULT>(),
    tag: -1,
    tagEpoch: -1,
  };
  const addressMemo = (addrs: number[]): Map<string, ArrayBuffer | typeof NO_RESULT> | undefined => {
    const stable = opts.stableValues?.();
    if (!stable || addrs.some((a) => a === 0)) return undefined;
    if (addrs.every((a) => a < stable.keep)) {
      if (stable.epoch !== byAddress.epoch || byAddress.lasting.size >= 1 << 20) {
        byAddress.lasting.clear();
        byAddress.epoch = stable.epoch;
      }
      return byAddress.lasting;
    }
    if (stable.tag === 0 || !addrs.every((a) => a < stable.hi)) return undefined;
    // Tags start again at 1 when the table is cleared (a re-shared snapshot): the epoch tells them apart.
    if (stable.tag !== byAddress.tag || stable.epoch !== byAddress.tagEpoch) {
      byAddress.current.clear();
      byAddress.tag = stable.tag;
      byAddress.tagEpoch = stable.epoch;
    }
    return byAddress.current;
  };
  const call = (id: number, addrs: number[]): number => {
    const ex = holder.exports!;
    const name = names.get(id) ?? '';
    const impl = builtins[name] ?? (fallback[name] as HostBuiltin | undefined);
    if (typeof impl !== 'function') throw new Error(`not implemented: built-in function ${id}: ${name}`);
    if (!opts.memoize?.has(name)) return toModule(ex, impl(...addrs.map((a) => argument(ex, name, a))));
    // A pure builtin answers the same arguments the same way: the release policy asks the same
    // questions of its rule data for every component (schemas, dates, patterns). Arguments that
    // are values vouch parsed are known by address, without writing them out as text.
    const byAddr = addressMemo(addrs);
    const key = byAddr ? `${id}:${addrs.join(':')}` : '';
    let answer = byAddr?.get(key);
    if (answer === undefined) {
      answer = remembered(ex, name, impl, addrs);
      byAddr?.set(key, answer);
    }
    return toModule(ex, answer === NO_RESULT ? undefined : answer);
  };
  const instance = new wasm.Instance(module, {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw new Error(cString(memory, addr));
      },
      // Only the module's own debugging prints here (Rego's print() is a builtin); stdout carries reports.
      opa_println: () => undefined,
      opa_builtin0: (id: number) => call(id, []),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id, [a]),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, [a, b]),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) => call(id, [a, b, c]),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) => call(id, [a, b, c, d]),
    },
  });
  const exports = (holder.exports = instance.exports);
  const abi = exports.opa_wasm_abi_version?.value;
  if (abi !== 1) throw new InputError('WASM_ABI_UNSUPPORTED', `the policy module has wasm ABI version ${String(abi)}; vouch reads version 1`, { value: abi });
  const table = JSON.parse(cString(memory, exports.opa_json_dump(exports.builtins()))) as Record<string, number>;
  for (const [name, id] of Object.entries(table)) names.set(id, name);
  return new SdkLoadedPolicy(instance, memory, exports.opa_wasm_abi_minor_version?.value ?? 0);
}
