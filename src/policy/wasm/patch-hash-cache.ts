// Remembers the hashes of values that cannot change during an evaluation. OPA's wasm runtime
// (open-policy-agent/opa wasm/src/value.c, `opa_value_hash`) hashes a value in full, recursively, on
// every set insertion, set or object lookup, and iteration step (a set iterator finds the previous
// element by its hash), and keeps no hash: a set of whole attestation tasks (conforma/policy
// lib.tekton.tasks) is hashed over and over, most of an evaluation's time.
//
// The patch renames nothing and moves no index: it appends one function, a copy of opa_value_hash's
// body (the hash proper), and one exported mutable i32 global, `vouch_hash_cache`, then gives
// opa_value_hash a new body. While the global is 0 (always, unless vouch's evaluation sets it) that
// body calls the copy: the module behaves exactly as built. While it holds the address of a table
// (hash-cache.ts), a string, array, object or set whose address lies in the table's range [lo, hi)
// has its hash looked up there by address, computed by the copy on a miss and stored. The answer is
// the same number the copy returns, so buckets, iteration order and every result are unchanged.
// The range is what vouch parsed before the evaluation (data, the shared snapshot, the input): Rego
// values are never changed in place (`with` copies each level it replaces: OPA
// internal/compiler/wasm/wasm.go compileUpsert), and no block in it is reused during the
// evaluation (opa_heap_ptr_set, called before it, empties the allocator's free lists: wasm/src/malloc.c).
//
// Table layout (little-endian i32): +0 lo, +4 keep (entries for addresses below it are tagged 0 and
// outlive evaluations: data and snapshot), +8 hi, +12 the evaluation's tag (never 0), +16 the shift
// (32 - log2 entries); entries from +32, 16 bytes each: address, tag, hash. Direct-mapped by
// Fibonacci hashing of the address; a collision overwrites. Fail-closed: a module whose
// opa_value_hash is missing or not (i32) -> i32 is refused. Pure.
import { EnvironmentError } from '../../errors.ts';
import { Reader, importCounts, functionNames, refuseModule, sections, sleb, uleb, vectorEntries, type Section } from './wasm-binary.ts';

/** The exported global that turns the cache on (a table address) or off (0). */
export const HASH_CACHE_GLOBAL = 'vouch_hash_cache';
/** The name the appended copy of the original hash function carries in the name section. */
const UNCACHED_HASH_NAME = 'opa_value_hash_uncached';

/** Table header offsets and entry layout, shared with hash-cache.ts. */
export const TABLE = { lo: 0, keep: 4, hi: 8, tag: 12, shift: 16, entries: 32, entrySize: 16 } as const;

const I32 = 0x7f;
const FIB = 0x9e3779b1 | 0;

const refuse = (why: string, cause?: unknown): never =>
  refuseModule('WASM_HASH_CACHE_PATCH', `the policy module cannot be prepared for evaluation (${why})`, why, cause);

const skipFunctionEntry = (r: Reader): void => {
  r.u32();
};
const skipExportEntry = (r: Reader): void => {
  r.name();
  r.byte();
  r.u32();
};
const skipCodeEntry = (r: Reader): void => {
  r.skip(r.u32());
};
const skipGlobalEntry = (r: Reader): void => {
  r.byte();
  r.byte();
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41) r.skipSigned(32);
    else if (op === 0x42) r.skipSigned(64);
    else if (op === 0x23) r.u32();
    else throw new RangeError(`unexpected opcode 0x${op.toString(16)} in a global's initialiser`);
  }
};

/** The parameter and result types of each type in the type section. */
function functionTypes(wasm: Uint8Array, s: Section): { params: number[]; results: number[] }[] {
  const r = new Reader(wasm.subarray(0, s.end), s.start);
  const out: { params: number[]; results: number[] }[] = [];
  for (let n = r.u32(); n > 0; n--) {
    if (r.byte() !== 0x60) throw new RangeError('a type that is not a function type');
    const params = Array.from({ length: r.u32() }, () => r.byte());
    const results = Array.from({ length: r.u32() }, () => r.byte());
    out.push({ params, results });
  }
  return out;
}

/** The new body of opa_value_hash: the cache in front of `uncached`. */
function wrapperBody(global: number, uncached: number): number[] {
  const [V, T, E, TAG, H] = [0, 1, 2, 3, 4];
  const get = (l: number): number[] => [0x20, l];
  const load = (offset: number): number[] => [0x28, 2, ...uleb(offset)];
  const store = (offset: number): number[] => [0x36, 2, ...uleb(offset)];
  const callUncached = [...get(V), 0x10, ...uleb(uncached)];
  const uncachedReturn = [0x04, 0x40, ...callUncached, 0x0f, 0x0b];
  const code = [
    0x01,
    0x04,
    I32, // four i32 locals: table, entry, tag, hash
    0x23,
    ...uleb(global),
    0x22,
    T,
    0x45,
    ...uncachedReturn, // off
    ...get(V),
    ...get(T),
    ...load(TABLE.lo),
    0x49, // v < lo
    ...get(V),
    ...get(T),
    ...load(TABLE.hi),
    0x4f,
    0x72, // || v >= hi
    ...get(V),
    0x2d,
    0,
    0,
    0x41,
    4,
    0x6b,
    0x41,
    4,
    0x4f,
    0x72, // || type not in string..set
    ...uncachedReturn,
    ...get(V),
    ...get(T),
    ...load(TABLE.keep),
    0x49, // tag = v < keep ? 0 : table tag
    0x04,
    I32,
    0x41,
    0,
    0x05,
    ...get(T),
    ...load(TABLE.tag),
    0x0b,
    0x21,
    TAG,
    ...get(T),
    ...get(V),
    0x41,
    ...sleb(FIB),
    0x6c,
    ...get(T),
    ...load(TABLE.shift),
    0x76,
    0x41,
    4,
    0x74,
    0x6a,
    0x21,
    E,
    ...get(E),
    ...load(TABLE.entries),
    ...get(V),
    0x46, // hit: same address
    ...get(E),
    ...load(TABLE.entries + 4),
    ...get(TAG),
    0x46,
    0x71, // and same tag
    0x04,
    0x40,
    ...get(E),
    ...load(TABLE.entries + 8),
    0x0f,
    0x0b,
    ...callUncached,
    0x21,
    H,
    ...get(E),
    ...get(V),
    ...store(TABLE.entries),
    ...get(E),
    ...get(TAG),
    ...store(TABLE.entries + 4),
    ...get(E),
    ...get(H),
    ...store(TABLE.entries + 8),
    ...get(H),
    0x0b,
  ];
  return [...uleb(code.length), ...code];
}

/** A section from its content's parts. */
function sectionOf(id: number, parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([Uint8Array.from([id, ...uleb(size)]), ...parts]);
}

/** The name section with `name` added for function `index` (the highest: appended last). */
function namesWith(wasm: Uint8Array, s: Section, index: number, name: string): Uint8Array {
  const r = new Reader(wasm.subarray(0, s.end), s.start);
  r.name();
  const parts: Uint8Array[] = [wasm.subarray(s.start, r.pos)];
  while (r.pos < s.end) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    if (id !== 1) {
      parts.push(Uint8Array.from([id, ...uleb(size)]), wasm.subarray(start, start + size));
      continue;
    }
    const sub = vectorEntries(wasm.subarray(0, start + size), { id, start, end: start + size }, (e) => {
      e.u32();
      e.name();
    });
    const bytes = Buffer.from(name);
    const added = Uint8Array.from([...uleb(index), ...uleb(bytes.length), ...bytes]);
    const count = Uint8Array.from(uleb(sub.count + 1));
    parts.push(Uint8Array.from([id, ...uleb(count.length + sub.entries.length + added.length)]), count, sub.entries, added);
  }
  return sectionOf(0, parts);
}

/**
 * The module with opa_value_hash's cache (a copy; the input is untouched). The patched module
 * evaluates exactly as the original until its `vouch_hash_cache` global is set.
 */
export function patchHashCache(wasm: Uint8Array): Uint8Array {
  try {
    const secs = sections(wasm);
    const names = functionNames(wasm, secs);
    if (!names) return refuse('the module has no name section');
    const hash = names.get('opa_value_hash');
    if (hash === undefined) return refuse('the module has no opa_value_hash');
    if (names.has(UNCACHED_HASH_NAME)) return refuse('the module is already patched: its policy.wasm was not written by opa build');
    const imports = importCounts(wasm, secs);
    const find = (id: number): Section => secs.find((x) => x.id === id) ?? refuse(`the module has no section ${id}`);
    const funcSec = vectorEntries(wasm, find(3), skipFunctionEntry);
    const codeSec = vectorEntries(wasm, find(10), skipCodeEntry);
    const exportSec = vectorEntries(wasm, find(7), skipExportEntry);
    const globalSecRange = secs.find((x) => x.id === 6);
    const globalSec = globalSecRange ? vectorEntries(wasm, globalSecRange, skipGlobalEntry) : { count: 0, entries: new Uint8Array() };
    const defined = hash - imports.functions;
    if (defined < 0 || defined >= funcSec.count) return refuse('opa_value_hash is not a function the module defines');
    const typeReader = new Reader(funcSec.entries);
    for (let i = 0; i < defined; i++) typeReader.u32();
    const typeIndex = typeReader.u32();
    const type = functionTypes(wasm, find(1))[typeIndex];
    if (type?.params.length !== 1 || type.params[0] !== I32 || type.results.length !== 1 || type.results[0] !== I32)
      return refuse('opa_value_hash is not (i32) -> i32');

    const uncached = imports.functions + funcSec.count;
    const global = imports.globals + globalSec.count;
    // Code entries: opa_value_hash's replaced, its original appended as the uncached copy.
    const code = new Reader(codeSec.entries);
    let at = { start: 0, end: 0 };
    for (let i = 0; i <= defined; i++) {
      const start = code.pos;
      code.skip(code.u32());
      at = { start, end: code.pos };
    }
    const original = codeSec.entries.subarray(at.start, at.end);
    const exportName = Buffer.from(HASH_CACHE_GLOBAL);
    const replaced = new Map<number, Uint8Array>([
      [3, sectionOf(3, [Uint8Array.from(uleb(funcSec.count + 1)), funcSec.entries, Uint8Array.from(uleb(typeIndex))])],
      [6, sectionOf(6, [Uint8Array.from(uleb(globalSec.count + 1)), globalSec.entries, Uint8Array.from([I32, 1, 0x41, 0, 0x0b])])],
      [
        7,
        sectionOf(7, [
          Uint8Array.from(uleb(exportSec.count + 1)),
          exportSec.entries,
          Uint8Array.from([...uleb(exportName.length), ...exportName, 3, ...uleb(global)]),
        ]),
      ],
      [
        10,
        sectionOf(10, [
          Uint8Array.from(uleb(codeSec.count + 1)),
          codeSec.entries.subarray(0, at.start),
          Uint8Array.from(wrapperBody(global, uncached)),
          codeSec.entries.subarray(at.end),
          original,
        ]),
      ],
    ]);
    const out: Uint8Array[] = [wasm.subarray(0, 8)];
    let globalsWritten = false;
    for (const s of secs) {
      // A module without globals gets its global section where the order puts it: before exports.
      if (!globalsWritten && (s.id === 6 || s.id === 7)) {
        out.push(replaced.get(6)!);
        globalsWritten = true;
        if (s.id === 6) continue;
      }
      const isNames = s.id === 0 && new Reader(wasm.subarray(0, s.end), s.start).name() === 'name';
      out.push(isNames ? namesWith(wasm, s, uncached, UNCACHED_HASH_NAME) : (replaced.get(s.id) ?? sectionOf(s.id, [wasm.subarray(s.start, s.end)])));
    }
    return Buffer.concat(out);
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    return refuse('the module cannot be read', err);
  }
}
