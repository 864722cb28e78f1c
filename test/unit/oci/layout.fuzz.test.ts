// OCI layouts can come from anyone (`cosign save` output handed over): whatever index.json and blobs
// hold, reading them gives digest-checked, well-typed documents or a RegistryError, never another
// exception and never a file outside the layout.
import assert from 'node:assert/strict';
import { test, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryError } from '../../../src/oci/errors.ts';
import { OciLayoutSource } from '../../../src/oci/layout.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType } from '../../../src/oci/types.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { withinCpuAsync } from '../../support/cpu-time.ts';

const root = await mkdtemp(join(tmpdir(), 'vouch-layout-fuzz-'));
after(() => rm(root, { recursive: true, force: true }));
let runs = 0;

const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Writes a layout: `blobs` under their digests, and index.json (its text from `index(digests)`). */
async function writeLayout(blobs: Buffer[], index: (entries: { digest: string; size: number }[]) => string): Promise<string> {
  const dir = join(root, String(runs++));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const entries = await Promise.all(
    blobs.map(async (b) => {
      await writeFile(join(dir, 'blobs', 'sha256', digestOf(b).slice(7)), b);
      return { digest: digestOf(b), size: b.length };
    }),
  );
  await writeFile(join(dir, 'index.json'), index(entries));
  return dir;
}

async function readOrRefused<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    assert.ok(err instanceof RegistryError, `untyped error: ${String(err)}`);
    return undefined;
  }
}

const junk = fc.oneof(fc.anything(), fc.constantFrom(null, 'sha256:../../../etc/passwd', -1, []));
const subjectHex = 'a'.repeat(64);
/** Blob contents: manifests (some with a subject), other JSON, or bytes. */
const blob = fc
  .oneof(
    fc.record(
      {
        layers: fc.constant([]),
        config: fc.constant({ mediaType: MediaType.OciEmpty, digest: `sha256:${'4'.repeat(64)}`, size: 2 }),
        subject: fc.constant({ mediaType: MediaType.OciManifest, digest: `sha256:${subjectHex}`, size: 1 }),
        artifactType: fc.string(),
      },
      { requiredKeys: ['layers', 'config'] },
    ),
    fc.jsonValue(),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from((JSON.stringify(v) as string | undefined) ?? '')));

const annotations = fc.option(
  fc.constantFrom({ 'org.opencontainers.image.ref.name': 'v1' }, { kind: 'dev.cosignproject.cosign/image' }, { kind: 'dev.cosignproject.cosign/sigs' }),
  { nil: undefined },
);
const indexText = fc
  .tuple(
    fc.array(annotations, { maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('manifests', 'schemaVersion', 'mediaType', 'digest', 'size'), junk), { nil: undefined }),
    fc.boolean(),
  )
  .map(([notes, mutation, truncate]) => (entries: { digest: string; size: number }[]): string => {
    const manifests: Record<string, unknown>[] = entries.map((e, i) => ({
      mediaType: MediaType.OciManifest,
      ...e,
      ...(notes[i] ? { annotations: notes[i] } : {}),
    }));
    const doc: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
    if (mutation && (mutation[0] === 'digest' || mutation[0] === 'size')) {
      if (manifests[0]) manifests[0][mutation[0]] = mutation[1];
    } else if (mutation) doc[mutation[0]] = mutation[1];
    const text = JSON.stringify(doc);
    return truncate ? text.slice(0, text.length >> 1) : text;
  });

test('any layout reads into checked documents or RegistryErrors', async () => {
  await fuzz(
    fc.asyncProperty(fc.array(blob, { maxLength: 4 }), indexText, async (blobs, index) => {
      const dir = await writeLayout(blobs, index);
      const source = new OciLayoutSource();
      const ref = parseReference(`oci:${dir}`);
      await withinCpuAsync(2000, 'reading a layout', async () => {
        const desc = await readOrRefused(source.resolve(ref));
        for (const b of blobs) {
          const fetched = await readOrRefused(source.getManifest(ref, digestOf(b)));
          if (fetched) assert.equal(digestOf(fetched.bytes), fetched.descriptor.digest);
          await readOrRefused(source.getBlob(ref, { digest: digestOf(b), size: b.length }));
        }
        if (desc) await readOrRefused(source.getManifest(ref, `${desc.digest.replace(':', '-')}.sig`));
        const referrers = await readOrRefused(source.referrers(ref, `sha256:${subjectHex}`));
        for (const r of referrers ?? []) assert.match(r.digest, /^sha256:[a-f0-9]{64}$/);
      });
    }),
    { numRuns: Math.min(Number(process.env.VOUCH_FUZZ_RUNS ?? '') || 100, 2000) },
  );
});

test('a digest naming a path outside the layout is refused before any file is read', async () => {
  const dir = await writeLayout([], () =>
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.OciManifest, digest: 'sha256:../../../../etc/passwd', size: 1 }] }),
  );
  await assert.rejects(
    new OciLayoutSource().resolve(parseReference(`oci:${dir}`)),
    (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && /manifests\[0\]\.digest is not a sha256 or sha512 digest/.test(e.message),
  );
});

test('a blob that is a symbolic link is refused, not followed', async () => {
  const outside = join(root, 'outside.json');
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.OciEmpty, digest: `sha256:${'4'.repeat(64)}`, size: 2 }, layers: [] }),
  );
  await writeFile(outside, manifest);
  const dir = await writeLayout([], () =>
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.OciManifest, digest: digestOf(manifest), size: manifest.length }] }),
  );
  await symlink(outside, join(dir, 'blobs', 'sha256', digestOf(manifest).slice(7)));
  const source = new OciLayoutSource();
  const ref = parseReference(`oci:${dir}`);
  await assert.rejects(
    source.getManifest(ref, digestOf(manifest)),
    (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && /is a symbolic link/.test(e.message),
  );
});

test('a blob that is a named pipe is refused at once, not waited on', async () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  const dir = await writeLayout([], () => JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.OciManifest, digest, size: 10 }] }));
  execFileSync('mkfifo', [join(dir, 'blobs', 'sha256', 'b'.repeat(64))]);
  // No one writes the pipe: opening it to read would wait forever, so settling at all proves it was not opened.
  await assert.rejects(
    new OciLayoutSource().getManifest(parseReference(`oci:${dir}`), digest),
    (e: unknown) => e instanceof RegistryError && e.code === 'BAD_RESPONSE' && /is not a regular file/.test(e.message),
  );
});
