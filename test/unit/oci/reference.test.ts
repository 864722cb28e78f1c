import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, parseReference, pinnedReference, repositoryName } from '../../../src/oci/reference.ts';
import { InputError } from '../../../src/errors.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('parses references as the docker grammar does', () => {
  const cases: [string, string, string, string | undefined, string | undefined][] = [
    ['alpine', 'docker.io', 'library/alpine', undefined, undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['org/app', 'docker.io', 'org/app', undefined, undefined],
    ['quay.io/org/app:v1', 'quay.io', 'org/app', 'v1', undefined],
    [`127.0.0.1:5000/app@${D}`, '127.0.0.1:5000', 'app', undefined, D],
    [`localhost/a/b/c:t@${D}`, 'localhost', 'a/b/c', 't', D],
    ['index.docker.io/library/busybox', 'docker.io', 'library/busybox', undefined, undefined],
  ];
  for (const [text, registry, repository, tag, digest] of cases) {
    const ref = parseReference(text);
    assert.deepEqual([ref.transport, ref.registry, ref.repository, ref.tag, ref.digest], ['registry', registry, repository, tag, digest], text);
  }
});

test('OCI layout references', () => {
  const ref = parseReference(`oci:examples/demo/oci-layout@${D}`);
  assert.equal(ref.transport, 'oci-layout');
  assert.equal(ref.registry, 'examples/demo/oci-layout');
  assert.equal(ref.digest, D);
  assert.equal(pinnedReference(ref, D), `oci:examples/demo/oci-layout@${D}`);
});

test('pinned names follow go-containerregistry (ec reports them)', () => {
  assert.equal(repositoryName(parseReference('alpine')), 'index.docker.io/library/alpine');
  assert.equal(pinnedReference(parseReference('quay.io/org/app:v1'), D), `quay.io/org/app@${D}`);
  assert.equal(formatReference(parseReference(`quay.io/org/app:v1@${D}`)), `quay.io/org/app:v1@${D}`);
});

test('rejects malformed references with the reason', () => {
  for (const [text, why] of [
    ['', /empty/],
    ['Quay.io/Org/App', /lowercase/],
    ['quay.io/org/app@sha256:1234', /digest must look like/],
    ['https://quay.io/org/app', /remove the URL scheme/],
    ['quay.io/org/app:bad tag', /tag/],
  ] as const) {
    assert.throws(
      () => parseReference(text),
      (e: unknown) => e instanceof InputError && e.code === 'INVALID_IMAGE_REFERENCE' && why.test(e.message),
      text,
    );
  }
});
