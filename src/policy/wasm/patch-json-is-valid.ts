// Works around OPA's wasm json.is_valid freeing a constant: opa_json_is_valid (wasm/src/encoding.c,
// OPA v1.8.0 to v1.22.2) calls opa_free on what opa_json_parse returns, and for "true"/"false" that
// is one of the two interned booleans in the data segment (internal/compiler/wasm/wasm.go,
// replaceBooleanFunc); the free links them into the heap's free list and later allocations
// overwrite live values, so one `json.is_valid("true")` can change any later verdict of the same
// instance. The patch replaces that one `call opa_free` with `drop` and `nop`s of the same length:
// same stack effect, no byte moves (the value is never freed; the heap is reset after each
// evaluation anyway). Fail-closed: a module whose opa_json_is_valid cannot be found or does not
// look exactly like that is refused rather than run with a heap that may be corrupted. Pure.
import { Reader, body, functionNames, importCounts, refuseModule, sections, type Section } from './wasm-binary.ts';

const CALL = 0x10;
const DROP = 0x1a;
const NOP = 0x01;

const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x40]);

/** Offsets of the `call target` instructions in a function body, decoding every instruction. */
function callSites(wasm: Uint8Array, range: { start: number; end: number }, target: number): number[] {
  const r = new Reader(wasm.subarray(0, range.end), range.start);
  for (let n = r.u32(); n > 0; n--) {
    r.u32();
    r.byte();
  }
  const sites: number[] = [];
  while (r.pos < range.end) {
    const at = r.pos;
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      if (!VALTYPES.has(r.bytes[r.pos]!)) r.skipSigned(33);
      else r.byte();
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0x12 || op === 0xd2) r.u32();
    else if (op === CALL) {
      if (r.u32() === target) sites.push(at);
    } else if (op === 0x0e) {
      for (let n = r.u32(); n >= 0; n--) r.u32();
    } else if (op === 0x11 || op === 0x13) {
      r.u32();
      r.u32();
    } else if (op === 0x1c) {
      for (let n = r.u32(); n > 0; n--) r.byte();
    } else if (op >= 0x28 && op <= 0x3e) {
      r.u32();
      r.u32();
    } else if (op === 0x3f || op === 0x40 || op === 0xd0) r.byte();
    else if (op === 0x41) r.skipSigned(32);
    else if (op === 0x42) r.skipSigned(64);
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0xfc) skipPrefixed(r);
    else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1)) {
      throw new RangeError(`unknown opcode 0x${op.toString(16)}`);
    }
  }
  return sites;
}

function skipPrefixed(r: Reader): void {
  const sub = r.u32();
  if (sub <= 7) return;
  if (sub === 8) {
    r.u32();
    r.byte();
  } else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
  else if (sub === 10 || sub === 12 || sub === 14) {
    r.u32();
    r.u32();
  } else if (sub === 11) r.byte();
  else throw new RangeError(`unknown opcode 0xfc ${sub}`);
}

const refuse = (why: string, cause?: unknown): never =>
  refuseModule(
    'WASM_JSON_IS_VALID_PATCH',
    `the policy module's json.is_valid cannot be made safe (${why}); it frees a constant in OPA's wasm runtime and would corrupt the evaluation`,
    why,
    cause,
  );

/**
 * The module with opa_json_is_valid's `call opa_free` replaced by `drop` + `nop`s (a copy; the
 * input is untouched). A module without opa_json_is_valid comes back unchanged.
 */
export function patchJsonIsValid(wasm: Uint8Array): Uint8Array {
  let secs: Section[];
  let names: Map<string, number> | undefined;
  try {
    secs = sections(wasm);
    names = functionNames(wasm, secs);
  } catch (err) {
    return refuse('the module cannot be read', err);
  }
  if (!names) return refuse('the module has no name section');
  const isValid = names.get('opa_json_is_valid');
  if (isValid === undefined) return wasm;
  const free = names.get('opa_free');
  if (free === undefined) return refuse('the module has no opa_free');
  let sites: number[];
  try {
    sites = callSites(wasm, body(wasm, secs, isValid - importCounts(wasm, secs).functions), free);
  } catch (err) {
    return refuse('opa_json_is_valid cannot be decoded', err);
  }
  if (sites.length !== 1) return refuse(`opa_json_is_valid calls opa_free ${sites.length} times, expected once`);
  const site = sites[0]!;
  // The call is its opcode and the callee's LEB128 index: all of it becomes drop, nop, nop, ...
  const call = new Reader(wasm, site + 1);
  call.u32();
  const out = Uint8Array.from(wasm);
  out[site] = DROP;
  out.fill(NOP, site + 1, call.pos);
  return out;
}
