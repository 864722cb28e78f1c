// A minimal ustar/pax reader and writer (policy archives, OCI policy layers, pre-compiled bundles).
// Paths are normalised and never escape the extraction root.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { InputError } from '../errors.ts';

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  data: Uint8Array;
}

function str(block: Uint8Array, start: number, len: number): string {
  const slice = block.subarray(start, start + len);
  const end = slice.indexOf(0);
  return Buffer.from(end === -1 ? slice : slice.subarray(0, end)).toString('utf8');
}

function octal(block: Uint8Array, start: number, len: number): number {
  const text = str(block, start, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function readTar(input: Uint8Array): TarEntry[] {
  const bytes = isGzip(input) ? gunzipSync(input) : input;
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const prefix = str(header, 345, 155);
    const name = str(header, 0, 100);
    const data = bytes.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === 'L') {
      longName = Buffer.from(data).toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (typeflag === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (typeflag === 'g') continue;
    const path = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = undefined;
    const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : 'other';
    entries.push({ path, type, data: new Uint8Array(data) });
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

/** Writes the regular files of an archive under `root`, refusing paths that escape it. */
export async function extractTar(bytes: Uint8Array, root: string): Promise<void> {
  for (const e of readTar(bytes)) {
    if (e.type !== 'file') continue;
    const rel = normalize(e.path).replace(/^(\.\.(\/|\\|$))+/, '');
    if (rel.startsWith(sep) || rel.split(sep).includes('..')) {
      throw new InputError('TAR_PATH_ESCAPES', `archive entry ${e.path} points outside the extraction directory`, { value: e.path });
    }
    const target = join(root, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, e.data);
  }
}
