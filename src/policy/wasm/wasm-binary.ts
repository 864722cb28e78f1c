// Reading a WebAssembly binary (the module `opa build -t wasm` writes): sections, the name
// section's function names, imported function count, function bodies. Only what the module patches
// (patch-json-is-valid.ts, patch-hash-cache.ts) need; anything unexpected throws RangeError. Pure.
import { EnvironmentError } from '../../errors.ts';

export class Reader {
  pos: number;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of module');
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError('LEB128 too long');
  }

  /** Skips a signed LEB128 of at most `bits` bits. */
  skipSigned(bits: number): void {
    for (let n = 0; n < Math.ceil(bits / 7); n++) if ((this.byte() & 0x80) === 0) return;
    throw new RangeError('LEB128 too long');
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) throw new RangeError('unexpected end of module');
    this.pos += n;
  }

  name(): string {
    const n = this.u32();
    const start = this.pos;
    this.skip(n);
    return Buffer.from(this.bytes.subarray(start, start + n)).toString('utf8');
  }
}

export interface Section {
  id: number;
  start: number;
  end: number;
}

export function sections(wasm: Uint8Array): Section[] {
  const r = new Reader(wasm);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (!magic.every((b) => r.byte() === b)) throw new RangeError('not a wasm module');
  const out: Section[] = [];
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start: r.pos, end: r.pos + size });
    r.skip(size);
  }
  return out;
}

/** Function names from the name section (subsection 1), by function index. */
export function functionNames(wasm: Uint8Array, secs: Section[]): Map<string, number> | undefined {
  for (const s of secs.filter((x) => x.id === 0)) {
    const r = new Reader(wasm.subarray(0, s.end), s.start);
    if (r.name() !== 'name') continue;
    const names = new Map<string, number>();
    while (r.pos < s.end) {
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (id === 1) {
        for (let n = r.u32(); n > 0; n--) {
          const index = r.u32();
          names.set(r.name(), index);
        }
      }
      r.pos = end;
    }
    return names;
  }
  return undefined;
}

/** How many functions and globals the module imports (they come first in each index space). */
export function importCounts(wasm: Uint8Array, secs: Section[]): { functions: number; globals: number } {
  const s = secs.find((x) => x.id === 2);
  if (!s) return { functions: 0, globals: 0 };
  const r = new Reader(wasm.subarray(0, s.end), s.start);
  let funcs = 0;
  let globals = 0;
  for (let n = r.u32(); n > 0; n--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) {
      r.u32();
      funcs++;
    } else if (kind === 1) {
      r.byte();
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 2) {
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 3) {
      r.byte();
      r.byte();
      globals++;
    } else if (kind === 4) {
      r.byte();
      r.u32();
    } else throw new RangeError(`unknown import kind ${kind}`);
  }
  return { functions: funcs, globals };
}

/** An unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? b : b | 0x80);
  } while (v !== 0);
  return out;
}

/** A signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** The entries of a vector section (count, then entries), each as its own bytes. */
export function vectorEntries(wasm: Uint8Array, s: Section, skipEntry: (r: Reader) => void): { count: number; entries: Uint8Array } {
  const r = new Reader(wasm.subarray(0, s.end), s.start);
  const count = r.u32();
  const first = r.pos;
  for (let i = 0; i < count; i++) skipEntry(r);
  if (r.pos !== s.end) throw new RangeError(`section ${s.id} has bytes after its entries`);
  return { count, entries: wasm.subarray(first, s.end) };
}

/** The byte range of the body of the n-th function defined in the module. */
export function body(wasm: Uint8Array, secs: Section[], definedIndex: number): { start: number; end: number } {
  const s = secs.find((x) => x.id === 10);
  if (!s) throw new RangeError('no code section');
  const r = new Reader(wasm.subarray(0, s.end), s.start);
  const count = r.u32();
  if (definedIndex < 0 || definedIndex >= count) throw new RangeError('function index outside the code section');
  for (let i = 0; i < definedIndex; i++) r.skip(r.u32());
  const size = r.u32();
  return { start: r.pos, end: r.pos + size };
}

/**
 * Refuses a module a patch cannot vouch for: `problem` says what is wrong with it, and the error
 * what to do (vouch never runs such a module unpatched).
 */
export function refuseModule(code: 'WASM_HASH_CACHE_PATCH' | 'WASM_JSON_IS_VALID_PATCH', problem: string, why: string, cause?: unknown): never {
  throw new EnvironmentError(code, `${problem}. Compile the policy with a supported opa (v1.8 to v1.22).`, { value: why, cause });
}
