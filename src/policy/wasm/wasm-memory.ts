// A policy module's linear memory as the ABI's callers read and write it (instance.ts's builtin
// dispatch, shared-input.ts's evaluation, evaluate.ts's builtin list): one copy of each helper.

export interface Memory {
  readonly buffer: ArrayBuffer;
}

/** The ABI exports the helpers below call. */
interface ParseExports {
  opa_malloc(len: number): number;
  opa_json_parse(addr: number, len: number): number;
}

const decoder = new TextDecoder();
/** One encoder for every JSON text written into a module. */
export const utf8Encoder = new TextEncoder();

/** The NUL-terminated UTF-8 string at `addr`. */
export function cString(memory: Memory, addr: number): string {
  const bytes = new Uint8Array(memory.buffer);
  const end = bytes.indexOf(0, addr);
  return decoder.decode(bytes.subarray(addr, end < 0 ? bytes.length : end));
}

/** Writes JSON text into the module's memory and parses it there; the value's address. */
export function parseJsonInto(ex: ParseExports, memory: Memory, bytes: Uint8Array, what: string): number {
  const addr = ex.opa_malloc(bytes.byteLength);
  new Uint8Array(memory.buffer).set(bytes, addr);
  const value = ex.opa_json_parse(addr, bytes.byteLength);
  // vouch wrote the text: a module that cannot read it is vouch's bug, not the policy's.
  if (value === 0) throw new Error(`the policy module could not parse ${what} vouch wrote into it (a vouch bug: please report it)`);
  return value;
}
