// Mutations of real signed material for property tests: bytes flipped, cut or inserted, and JSON
// documents with one node replaced. Deterministic given fast-check's draws.
import { fc } from './fuzz.ts';

export type JsonPath = (string | number)[];

/** One byte-level edit: flip a bit, cut the tail, insert or delete a byte (positions taken modulo length). */
export type ByteEdit =
  { op: 'flip'; at: number; bit: number } | { op: 'cut'; at: number } | { op: 'insert'; at: number; byte: number } | { op: 'delete'; at: number };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
);

/** The edited copy; always differs from `bytes` (a flip changes a byte; the others change the length). */
export function applyEdit(bytes: Buffer, edit: ByteEdit): Buffer {
  if (bytes.length === 0) return Buffer.from([edit.op === 'insert' ? edit.byte : 0]);
  const at = edit.at % bytes.length;
  switch (edit.op) {
    case 'flip': {
      const out = Buffer.from(bytes);
      out[at] = out[at]! ^ (1 << edit.bit);
      return out;
    }
    case 'cut':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([edit.byte]), bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
  }
}

/** Every path to a node of a JSON value (the root is `[]`). */
export function jsonPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...path, k]));
  return out;
}

export function getAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((cur, p) => (cur as Record<string | number, unknown>)[p], value);
}

/** A deep copy of `value` with the node at `path` replaced (the root when `path` is empty). */
export function setAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}
