// json.patch as OPA v1.15.2 applies it (v1/topdown/json.go applyPatches over
// internal/edittree/edittree.go): OPA's path syntax (leading slashes trimmed, or an array of
// segments), its array indexes ("-", no leading zeros, a sign allowed), replace as delete + insert,
// and its edit tree's quirk that descending into an array reads the element the array had before
// this call's edits. Any Go error is undefined. Pure.

const DELETED = Symbol('deleted');

interface Node {
  /** The value this node started from; its descendants are read from here until edited. */
  value: unknown;
  /** Objects: edited members by key. */
  members: Map<string, Node | typeof DELETED>;
  /** Arrays: the current elements, each an index into `value` or an inserted node. */
  slots?: (number | Node)[];
}

class PatchError extends Error {}
const fail = (why: string): never => {
  throw new PatchError(why);
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function node(value: unknown): Node {
  return { value, members: new Map(), slots: Array.isArray(value) ? value.map((_, i) => i) : undefined };
}

/** OPA's toIndex: an integer, "-" for the end, or a decimal string without leading zeros. */
function toIndex(length: number, key: unknown): number {
  if (typeof key === 'number') return Number.isInteger(key) ? key : fail('invalid number type for indexing');
  if (typeof key !== 'string') return fail('invalid type for indexing');
  if (key === '-') return length;
  if (!/^[+-]?\d+$/.test(key)) fail('invalid string for indexing');
  if (key !== '0' && key.startsWith('0')) fail('leading zeros are not allowed in JSON paths');
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : fail('index out of range');
}

const memberKey = (key: unknown): string => (typeof key === 'string' ? key : fail('non-string object key'));

function insert(n: Node, key: unknown, value: unknown): Node {
  const child = node(value);
  if (isObject(n.value)) n.members.set(memberKey(key), child);
  else if (n.slots) {
    const idx = toIndex(n.slots.length, key);
    if (idx < 0 || idx > n.slots.length) fail('index for array insertion out of bounds');
    n.slots.splice(idx, 0, child);
  } else fail('expected composite type');
  return child;
}

function remove(n: Node, key: unknown): void {
  if (isObject(n.value)) {
    const k = memberKey(key);
    const m = n.members.get(k);
    if (m === DELETED || (m === undefined && !Object.hasOwn(n.value, k))) fail('cannot delete a member that does not exist');
    n.members.set(k, DELETED);
  } else if (n.slots) {
    const idx = toIndex(n.slots.length, key);
    if (idx < 0 || idx > n.slots.length - 1) fail('index for array delete out of bounds');
    n.slots.splice(idx, 1);
  } else fail('expected composite type');
}

/** The node one step down; an unedited child is read from the original value, as the edit tree does. */
function child(n: Node, key: unknown): Node {
  if (isObject(n.value)) {
    const k = memberKey(key);
    const m = n.members.get(k);
    if (m === DELETED) return fail('cannot unfold a deleted member');
    if (m !== undefined) return m;
    return Object.hasOwn(n.value, k) ? insert(n, k, n.value[k]) : fail('path does not exist');
  }
  if (n.slots) {
    const idx = toIndex(n.slots.length, key);
    const slot = n.slots[idx];
    if (typeof slot === 'object') return slot;
    const original = n.value as unknown[];
    if (idx < 0 || idx >= original.length) fail('path does not exist');
    remove(n, idx);
    return insert(n, idx, original[idx]);
  }
  return fail('expected composite type');
}

function unfold(root: Node, path: unknown[]): Node {
  return path.reduce<Node>((n, key) => child(n, key), root);
}

function render(n: Node): unknown {
  if (isObject(n.value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n.value)) if (!n.members.has(k)) out[k] = v;
    for (const [k, m] of n.members) if (m !== DELETED) out[k] = render(m);
    return out;
  }
  if (n.slots) return n.slots.map((s) => (typeof s === 'number' ? (n.value as unknown[])[s] : render(s)));
  return n.value;
}

/** OPA's parsePath: "" is the root, else the segments after the leading slashes; or an array of segments. */
function parsePath(p: unknown): unknown[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return p;
  return fail('path must be a string or an array of segments');
}

/** Rego equality of JSON values (numbers by value). */
function regoEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => regoEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && regoEqual(a[k], b[k]));
  }
  return a === b;
}

type Root = { node: Node | undefined };

function at(root: Root, path: unknown[]): Node {
  return root.node ? unfold(root.node, path) : fail('deleted node encountered');
}

function insertAt(root: Root, path: unknown[], value: unknown): void {
  if (path.length === 0) root.node = node(value);
  else insert(at(root, path.slice(0, -1)), path.at(-1), value);
}

function removeAt(root: Root, path: unknown[]): void {
  if (!root.node) fail('deleted node encountered');
  if (path.length === 0) root.node = undefined;
  else remove(at(root, path.slice(0, -1)), path.at(-1));
}

function applyOne(root: Root, op: unknown): void {
  if (!isObject(op)) fail('operation is not an object');
  const o = op as Record<string, unknown>;
  if (!('path' in o)) fail("missing required attribute 'path'");
  if (typeof o.op !== 'string') fail("attribute 'op' must be a string");
  const path = parsePath(o.path);
  const value = (): unknown => ('value' in o ? o.value : fail("missing required attribute 'value'"));
  const from = (): unknown[] => parsePath('from' in o ? o.from : fail("missing required attribute 'from'"));
  switch (o.op) {
    case 'add':
      insertAt(root, path, value());
      break;
    case 'remove':
      removeAt(root, path);
      break;
    case 'replace':
      removeAt(root, path);
      insertAt(root, path, value());
      break;
    case 'move': {
      const src = from();
      const chunk = render(at(root, src));
      removeAt(root, src);
      insertAt(root, path, chunk);
      break;
    }
    case 'copy':
      insertAt(root, path, render(at(root, from())));
      break;
    case 'test':
      if (!regoEqual(render(at(root, path)), value())) fail('test failed');
      break;
    default:
      fail('unrecognized op');
  }
}

/** json.patch(doc, operations), or undefined where OPA reports an error. */
export function jsonPatch(doc: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) return undefined;
  const root: Root = { node: node(doc) };
  try {
    for (const op of operations) applyOne(root, op);
  } catch (err) {
    if (err instanceof PatchError) return undefined;
    throw err;
  }
  return root.node ? render(root.node) : undefined;
}
