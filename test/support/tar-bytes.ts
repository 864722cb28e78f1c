// Raw tar header blocks for hostile archives. Hand-made on purpose: tar refuses to write forged
// sizes, bad checksums or links outside the archive, and these bytes are what a hostile source serves.

export interface RawHeader {
  name: string;
  size?: number;
  /** The typeflag: '0' file, '1' hard link, '2' symlink, '5' directory, 'x' pax, 'L' GNU long name… */
  type?: string;
  linkname?: string;
  /** Raw bytes for the 12-byte size field (base-256, garbage). */
  sizeField?: Buffer;
  /** Added to the correct checksum. */
  checksumDelta?: number;
}

export function rawHeader(fields: RawHeader): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  if (fields.sizeField) fields.sizeField.copy(h, 124, 0, 12);
  else h.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(fields.type ?? '0', 156, 'ascii');
  if (fields.linkname) h.write(fields.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('        ', 148, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${(sum + (fields.checksumDelta ?? 0)).toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A header, its data padded to 512 bytes. */
export function rawEntry(fields: RawHeader, data: Uint8Array = new Uint8Array()): Buffer {
  return Buffer.concat([rawHeader({ size: data.length, ...fields }), Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** Blocks followed by the two zero blocks that end an archive. */
export const rawArchive = (...blocks: Buffer[]): Buffer => Buffer.concat([...blocks, Buffer.alloc(1024)]);
