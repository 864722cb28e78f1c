// Bounded YAML/JSON documents: alias bombs, merge-key bombs, cycles, deep nesting and oversized
// files are refused quickly with an input error naming the document.
import assert from 'node:assert/strict';
import { open, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOCUMENT_LIMITS, assertBoundedDocument, parseYamlDocument, readTextFile } from '../../../src/config/document.ts';
import { InputError } from '../../../src/errors.ts';
import { billionLaughs, mergeKeyBomb } from '../../support/yaml-bombs.ts';
import { withinCpuAsync, withinCpu } from '../../support/cpu-time.ts';

const refused = (code: string, origin: string) => (e: unknown) =>
  e instanceof InputError && e.code === code && e.message.startsWith(`${origin}:`) && e.exitCode === 2;
const parse = (text: string): unknown => parseYamlDocument(text, 'doc.yaml', { syntaxCode: 'SNAPSHOT_SYNTAX' });

function quickly<T>(fn: () => T): T {
  return withinCpu(1000, 'parsing a YAML bomb', fn);
}

test('a billion-laughs document is refused quickly', () => {
  assert.throws(() => quickly(() => parse(billionLaughs())), refused('DOCUMENT_TOO_LARGE', 'doc.yaml'));
});

test('a merge-key bomb is stopped while loading, not after minutes of copying', () => {
  assert.throws(() => quickly(() => parse(mergeKeyBomb())), refused('DOCUMENT_ALIAS_LIMIT', 'doc.yaml'));
});

test('a document that contains itself is refused (JSON.stringify would throw later)', () => {
  assert.throws(() => parse('a: &a [*a]\n'), refused('DOCUMENT_CYCLE', 'doc.yaml'));
  assert.throws(() => parse('a: &a\n  x: *a\n'), refused('DOCUMENT_CYCLE', 'doc.yaml'));
});

test('nesting deeper than the limit is refused, in YAML and in parsed JSON', () => {
  const deep = `${'['.repeat(DOCUMENT_LIMITS.maxDepth + 5)}${']'.repeat(DOCUMENT_LIMITS.maxDepth + 5)}`;
  assert.throws(() => parse(deep), refused('DOCUMENT_TOO_LARGE', 'doc.yaml'));
  assert.throws(() => assertBoundedDocument(JSON.parse(deep), 'inline'), refused('DOCUMENT_TOO_LARGE', 'inline'));
  // Far deeper than js-yaml's stack: still an input error, not a crash.
  assert.throws(
    () => parse('['.repeat(200_000)),
    (e: unknown) => e instanceof InputError,
  );
});

test('ordinary anchors and merges stay usable', () => {
  assert.deepEqual(parse('base: &b {x: 1, y: [a, b]}\nuse: *b\nmerged: {<<: *b, z: 2}\n'), {
    base: { x: 1, y: ['a', 'b'] },
    use: { x: 1, y: ['a', 'b'] },
    merged: { x: 1, y: ['a', 'b'], z: 2 },
  });
});

test('a syntax error keeps the caller code', () => {
  assert.throws(() => parse('a: [\n'), refused('SNAPSHOT_SYNTAX', 'doc.yaml'));
});

test('a file over the size limit is refused without reading it whole', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'vouch-doc-')), 'huge.yaml');
  const handle = await open(file, 'w');
  await handle.truncate(4 * 1024 * 1024 * 1024); // sparse: 4 GiB, no disk
  await handle.close();
  await withinCpuAsync(2000, 'refusing a 4 GiB file', () => assert.rejects(readTextFile(file), refused('DOCUMENT_TOO_LARGE', file)));
  await assert.rejects(readTextFile(file, 'x', 10), (e: unknown) => e instanceof InputError && e.message.includes('larger than 10 bytes'));
});
