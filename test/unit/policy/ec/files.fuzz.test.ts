// The archives `ec.oci.blob_files` and `ec.oci.image_files` read, and the descriptors every OCI
// builtin shows, come from registries an attacker may write. Damaged archives are refused with a
// typed error or read into only what was asked for; no layer of entries makes flattening throw;
// no text makes the YAML reader throw or answer a non-JSON value; a descriptor's `data` is
// decoded or refused with the module's own error. Archives are made here (hostile bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { VouchError } from '../../../../src/errors.ts';
import { FlattenedImage, blobFiles, structuredContent, tarEntries } from '../../../../src/policy/ec/files.ts';
import { UndecodableData, descriptorTerm } from '../../../../src/policy/ec/shapes.ts';
import { TarBudget, type TarEntry } from '../../../../src/util/tar.ts';
import { applyEdit, byteEdit } from '../../../support/mutate.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';
import { rawArchive, rawEntry } from '../../../support/tar-bytes.ts';

const tar = rawArchive(
  rawEntry({ name: 'a.yaml', size: 9 }, Buffer.from('x: [1, 2]')),
  rawEntry({ name: 'dir/', type: '5' }),
  rawEntry({ name: 'dir/b.json', size: 8 }, Buffer.from('{"b": 1}')),
);
const archives = { plain: tar, gzip: gzipSync(tar), zstd: zstdCompressSync(tar) };
const PATHS = ['a.yaml', 'dir/b.json', 'dir/'];

test('a damaged archive is refused with a typed error, or read into only the names asked for', () => {
  fuzz(
    fc.property(fc.constantFrom(...Object.values(archives)), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), (archive, edits) => {
      const bytes = edits.reduce<Buffer>((b, e) => applyEdit(b, e), Buffer.from(archive));
      let entries: TarEntry[];
      try {
        entries = tarEntries(bytes, new TarBudget('fuzz', { maxBytes: 1024 * 1024, maxEntries: 100 }));
      } catch (err) {
        assert.ok(err instanceof VouchError, `untyped error: ${String(err)}`);
        return;
      }
      const files = blobFiles(entries, PATHS, 'fuzz');
      for (const name of Object.keys(files)) assert.ok(PATHS.includes(name), name);
    }),
  );
});

const pathPart = fc.constantFrom('etc', 'app', '.', '..', '', '.wh.a.yaml', '.wh..wh..opq', 'a.yaml', 'B.JSON', 'c.yml', 'x.txt');
const entry = fc.record({
  path: fc.array(pathPart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')),
  type: fc.constantFrom<TarEntry['type']>('file', 'dir', 'symlink', 'link', 'other'),
  data: fc.constantFrom('v: 1', '{"a": [1]}', ': :', '', 'x: .nan').map((t) => new TextEncoder().encode(t)),
});

test('no layers of entries make flattening throw; what it keeps sits directly in an asked directory', () => {
  fuzz(
    fc.property(
      fc.array(fc.array(entry, { maxLength: 8 }), { maxLength: 4 }),
      fc.array(fc.constantFrom('etc', 'etc/app', '/etc', './etc/', 'ETC'), { minLength: 1, maxLength: 2 }),
      (layers, prefixes) => {
        const image = new FlattenedImage(prefixes, 'fuzz');
        for (const layer of layers) image.addLayer(layer);
        for (const name of Object.keys(image.files)) assert.match(name, /\.(ya?ml|json)$/i);
      },
    ),
  );
});

test('any text reads as one JSON value or nothing, never an exception', () => {
  fuzz(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-:\[\]{}&*!|>'"%@`#,? a-z0-9.\n]{0,40}$/)), (text) => {
      const content = structuredContent(new TextEncoder().encode(text), 'fuzz');
      if (content) assert.equal(JSON.stringify(JSON.parse(JSON.stringify(content.value))), JSON.stringify(content.value));
    }),
  );
});

test("a descriptor's data is decoded, or the document refused with the module's own error", () => {
  fuzz(
    fc.property(fc.oneof(fc.string(), fc.base64String()), (data) => {
      try {
        assert.equal(typeof descriptorTerm({ mediaType: 'm', digest: `sha256:${'a'.repeat(64)}`, size: 1, data }).data, 'string');
      } catch (err) {
        assert.ok(err instanceof UndecodableData, `untyped error: ${String(err)}`);
      }
    }),
  );
});
