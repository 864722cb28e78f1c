// A minimal ustar/pax reader and writer (policy archives, OCI policy layers, pre-compiled bundles).
// Archives come from sources an attacker may control, so reading is bounded: gzip expands to at most
// `maxBytes` (zlib stops there, a bomb never reaches memory), every header is checked (checksum, octal
// size inside the archive), entries are counted, and extraction writes regular files and directories
// only, at normalised paths that stay under the root; links are not created, and one pointing outside
// the archive is refused.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'link' | 'other';
  data: Uint8Array;
  /** Where a symlink or hard link points. */
  linkTarget?: string;
}

export interface TarLimits {
  /** Bytes after gunzip (the whole tar stream), and of file contents written, per archive or budget. */
  maxBytes: number;
  /** Headers of every kind. */
  maxEntries: number;
}

export const TAR_LIMITS: TarLimits = { maxBytes: 128 * 1024 * 1024, maxEntries: 10_000 };
/** pax and GNU long-name records: a name is never this long. */
const MAX_META = 1024 * 1024;

/**
 * What an archive (or several, e.g. the layers of one OCI source) may still use. Every limit message
 * names the source and the limit.
 */
export class TarBudget {
  readonly origin: string;
  readonly limits: TarLimits;
  private bytes = 0;
  private entries = 0;

  constructor(origin: string, limits: TarLimits = TAR_LIMITS) {
    this.origin = origin;
    this.limits = limits;
  }

  get remainingBytes(): number {
    return this.limits.maxBytes - this.bytes;
  }

  takeBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) {
      throw new InputError('ARCHIVE_TOO_LARGE', `${this.origin}: the archive expands to more than ${this.limits.maxBytes} bytes (the limit)`, {
        value: this.origin,
      });
    }
  }

  takeEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new InputError('ARCHIVE_TOO_MANY_ENTRIES', `${this.origin}: the archive has more than ${this.limits.maxEntries} entries (the limit)`, {
        value: this.origin,
      });
    }
  }
}

export interface TarOptions {
  /** The source, for messages. */
  origin?: string;
  limits?: TarLimits;
  /** Shared across archives; `origin` and `limits` are then taken from it. */
  budget?: TarBudget;
}

const budgetOf = (opts: TarOptions): TarBudget => opts.budget ?? new TarBudget(opts.origin ?? 'archive', opts.limits);

function invalid(budget: TarBudget, why: string): InputError {
  return new InputError('ARCHIVE_INVALID', `${budget.origin}: not a valid tar archive: ${why}`, { value: budget.origin });
}

function str(block: Uint8Array, start: number, len: number): string {
  const slice = block.subarray(start, start + len);
  const end = slice.indexOf(0);
  return Buffer.from(end === -1 ? slice : slice.subarray(0, end)).toString('utf8');
}

/** An octal numeric field; base-256 (sizes over 8 GiB) and anything but octal digits are refused. */
function octal(block: Uint8Array, start: number, len: number, budget: TarBudget, field: string): number {
  if ((block[start]! & 0x80) !== 0) throw invalid(budget, `the ${field} field uses base-256 (over 8 GiB)`);
  const text = str(block, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw invalid(budget, `the ${field} field ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

function checksumOk(header: Uint8Array, budget: TarBudget): boolean {
  const stored = octal(header, 148, 8, budget, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips at most `budget.remainingBytes`; zlib stops producing output there. */
function gunzipBounded(input: Uint8Array, budget: TarBudget): Uint8Array {
  const max = budget.remainingBytes;
  try {
    return gunzipSync(input, { maxOutputLength: Math.max(1, max) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError('ARCHIVE_TOO_LARGE', `${budget.origin}: the archive expands to more than ${budget.limits.maxBytes} bytes (the limit)`, {
        value: budget.origin,
        cause: err,
      });
    }
    throw new InputError('ARCHIVE_INVALID', `${budget.origin}: not valid gzip: ${errorMessage(err)}`, { value: budget.origin, cause: err });
  }
}

/** `<length> <key>=<value>\n` records (POSIX pax). */
function paxRecords(data: Uint8Array, budget: TarBudget): Map<string, string> {
  const out = new Map<string, string>();
  const buf = Buffer.from(data);
  let at = 0;
  while (at < buf.length && buf[at] !== 0) {
    const space = buf.indexOf(0x20, at);
    const len = space === -1 ? NaN : Number(buf.subarray(at, space).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > buf.length || buf[at + len - 1] !== 0x0a) throw invalid(budget, 'malformed pax header');
    const record = buf.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq === -1) throw invalid(budget, 'malformed pax header');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

const TYPES: Record<string, TarEntry['type']> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'dir', '2': 'symlink', '1': 'link' };

export function readTar(input: Uint8Array, opts: TarOptions = {}): TarEntry[] {
  const budget = budgetOf(opts);
  let bytes = input;
  if (isGzip(input)) bytes = gunzipBounded(input, budget);
  budget.takeBytes(bytes.length);
  const entries: TarEntry[] = [];
  let offset = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    budget.takeEntry();
    if (!checksumOk(header, budget)) throw invalid(budget, `bad header checksum at byte ${offset}`);
    const typeflag = String.fromCharCode(header[156]!);
    let size = octal(header, 124, 12, budget, 'size');
    const paxSize = pax.get('size');
    if (paxSize !== undefined && typeflag !== 'x' && typeflag !== 'g') {
      if (!/^[0-9]{1,15}$/.test(paxSize)) throw invalid(budget, `pax size ${JSON.stringify(paxSize)} is not a number`);
      size = Number(paxSize);
    }
    const start = offset + 512;
    if (size > bytes.length - start) throw invalid(budget, `an entry of ${size} bytes runs past the end of the archive (truncated, or a forged size)`);
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META) throw invalid(budget, `a ${size}-byte metadata record`);
      if (typeflag === 'L') longName = Buffer.from(data).toString('utf8').replace(/\0+$/, '');
      if (typeflag === 'K') longLink = Buffer.from(data).toString('utf8').replace(/\0+$/, '');
      if (typeflag === 'x') pax = paxRecords(data, budget);
      if (typeflag === 'g') paxRecords(data, budget);
      continue;
    }
    const prefix = str(header, 345, 155);
    const name = str(header, 0, 100);
    const path = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const linkTarget = pax.get('linkpath') ?? longLink ?? str(header, 157, 100);
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    const type = TYPES[typeflag] ?? 'other';
    entries.push({ path, type, data: new Uint8Array(data), ...(type === 'symlink' || type === 'link' ? { linkTarget } : {}) });
  }
  return entries;
}

function header(path: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.from(path, 'utf8');
  if (name.length > 100) throw new InputError('TAR_PATH_TOO_LONG', `tar path over 100 bytes: ${path}`, { value: path });
  name.copy(h, 0);
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii'); // fixed mtime: reproducible archives
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A gzipped ustar archive of regular files, in the given order. */
export function writeTar(entries: { path: string; data: Uint8Array }[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e.path, e.data.length), Buffer.from(e.data), Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The entry's path relative to the extraction root, or undefined for the root itself. Absolute paths,
 * `..` components, backslashes and control characters are refused, not rewritten.
 */
function safeEntryPath(path: string, origin: string): string | undefined {
  const norm = posix.normalize(path).replace(/\/+$/, '');
  if (path.startsWith('/') || path.includes('\\') || CONTROL.test(path) || norm === '..' || norm.startsWith('../')) {
    throw new InputError('ARCHIVE_PATH_ESCAPES', `${origin}: archive entry ${JSON.stringify(path)} points outside the extraction directory`, { value: origin });
  }
  return norm === '.' || norm === '' ? undefined : norm;
}

/** A link must resolve inside the archive (symlinks relative to their directory, hard links to the root). */
function checkLink(e: TarEntry, rel: string, origin: string): void {
  const target = e.linkTarget ?? '';
  const resolved = posix.normalize(e.type === 'symlink' ? posix.join(posix.dirname(rel), target) : target);
  if (target.startsWith('/') || target.includes('\\') || resolved === '..' || resolved.startsWith('../')) {
    throw new InputError('ARCHIVE_LINK_ESCAPES', `${origin}: archive entry ${JSON.stringify(e.path)} links to ${JSON.stringify(target)}, outside the archive`, {
      value: origin,
    });
  }
}

/**
 * Writes the regular files and directories of an archive under `root` (a fresh directory), within the
 * budget. Links are checked but not created, so nothing written can be redirected through one.
 */
export async function extractTar(bytes: Uint8Array, root: string, opts: TarOptions = {}): Promise<void> {
  const budget = budgetOf(opts);
  for (const e of readTar(bytes, { budget })) {
    if (e.type === 'other') continue;
    const rel = safeEntryPath(e.path, budget.origin);
    if (rel === undefined) continue;
    if (e.type === 'symlink' || e.type === 'link') {
      checkLink(e, rel, budget.origin);
      continue;
    }
    const target = join(root, rel);
    try {
      if (e.type === 'dir') await mkdir(target, { recursive: true });
      else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, e.data);
      }
    } catch (err) {
      throw new InputError('ARCHIVE_INVALID', `${budget.origin}: cannot extract archive entry ${JSON.stringify(e.path)}: ${errorMessage(err)}`, {
        value: budget.origin,
        cause: err,
      });
    }
  }
}
