// Archive expansion on generated hostile archives: whatever the entries (paths with .., /, \, links
// anywhere, forged sizes, flipped bytes, gzip or not), extraction either succeeds or fails with a
// typed input error, never writes outside its root, and never writes more than the limits allow.
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../../src/errors.ts';
import { extractTar, readTar, type TarLimits } from '../../../src/util/tar.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { rawArchive, rawEntry } from '../../support/tar-bytes.ts';

const LIMITS: TarLimits = { maxBytes: 64 * 1024, maxEntries: 12 };
let parent: string;

before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'vouch-tar-fuzz-'));
});
after(() => rm(parent, { recursive: true, force: true }));

const segment = fc.constantFrom('..', '.', 'a', 'b', '', 'c.rego', '\\..', '..\\', 'x\u0001');
const path = fc
  .array(segment, { minLength: 1, maxLength: 5 })
  .chain((parts) => fc.constantFrom(parts.join('/'), `/${parts.join('/')}`, `./${parts.join('/')}`));
const entry = fc.record({
  name: path,
  type: fc.constantFrom('0', '0', '5', '2', '1', 'x', 'L', 'g', 'S', '7', '\0'),
  linkname: path,
  data: fc.uint8Array({ maxLength: 3000 }),
  forge: fc.option(fc.constantFrom('size', 'checksum', 'base256'), { nil: undefined }),
});

function build(entries: (typeof entry extends fc.Arbitrary<infer T> ? T : never)[]): Buffer {
  return rawArchive(
    ...entries.map((e) => {
      // pax and GNU long-name records carry text the reader parses: give them plausible and hostile text.
      const data = e.type === 'x' ? Buffer.from(`${e.name.length + 8} path=${e.name}\n`) : e.type === 'L' ? Buffer.from(e.name) : e.data;
      const forged =
        e.forge === 'size'
          ? { sizeField: Buffer.from('77777777777\0') }
          : e.forge === 'base256'
            ? { sizeField: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]) }
            : {};
      return rawEntry({ name: e.name, type: e.type, linkname: e.linkname, ...forged, ...(e.forge === 'checksum' ? { checksumDelta: 7 } : {}) }, data);
    }),
  );
}

/** Every file under `dir` with its size; symlinks would be reported too (none may exist). */
async function walk(dir: string): Promise<{ path: string; size: number; link: boolean }[]> {
  const out: { path: string; size: number; link: boolean }[] = [];
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    const info = await lstat(p);
    if (info.isDirectory()) out.push(...(await walk(p)));
    else out.push({ path: p, size: info.size, link: info.isSymbolicLink() });
  }
  return out;
}

test('extraction stays inside its root and within the limits, or fails with a typed error', async () => {
  let n = 0;
  await fuzz(
    fc.asyncProperty(
      fc.array(entry, { maxLength: 16 }),
      fc.boolean(),
      fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { nil: undefined }),
      async (entries, gzip, flip) => {
        const box = join(parent, String(n++));
        const root = join(box, 'root');
        await mkdir(root, { recursive: true });
        let bytes = build(entries);
        if (flip) bytes[flip[0] % bytes.length] = flip[1];
        if (gzip) bytes = gzipSync(bytes);
        try {
          await extractTar(bytes, root, { origin: 'fuzz', limits: LIMITS });
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
          assert.ok(err.message.startsWith('fuzz:'), err.message);
        }
        assert.deepEqual(await readdir(box), ['root'], 'nothing beside the root');
        const files = await walk(root);
        assert.ok(
          files.every((f) => !f.link),
          'no link created',
        );
        assert.ok(files.length <= LIMITS.maxEntries);
        assert.ok(files.reduce((s, f) => s + f.size, 0) <= LIMITS.maxBytes);
        await rm(box, { recursive: true, force: true });
      },
    ),
  );
});

test('any bytes read as a tar give entries or a typed error', () => {
  fuzz(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 2048 }),
        fc.uint8Array({ maxLength: 2048 }).map((b) => gzipSync(b)),
      ),
      (bytes) => {
        try {
          readTar(bytes, { limits: LIMITS });
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
        }
      },
    ),
  );
});
