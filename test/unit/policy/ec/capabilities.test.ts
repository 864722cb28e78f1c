// The `ec.*` declarations given to the real `opa build`: a policy calling every ec builtin compiles;
// calls that ec's compiler rejects (wrong argument types, ec's one-element array quirk) are rejected
// the same way, and every compile error is shown, not the first ten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../../src/errors.ts';
import { EC_BUILTINS, ecCapabilities } from '../../../../src/policy/opa/capabilities.ts';
import { compilePolicy, type RegoFile } from '../../../../src/policy/opa/compile.ts';

const compile = async (text: string): Promise<Awaited<ReturnType<typeof compilePolicy>>> =>
  compilePolicy([{ path: 'p.rego', text: `package p\n\nimport rego.v1\n\n${text}\n` } satisfies RegoFile], {
    cacheDir: await mkdtemp(join(tmpdir(), 'vouch-caps-')),
    env: process.env,
  });

const compileError = async (text: string): Promise<string> => {
  const err = await compile(text).then(
    () => assert.fail('compiled'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String(err));
  return err.message;
};

test('a policy calling every ec builtin, as the release policy does, compiles', async () => {
  const compiled = await compile(`
ref := input.image.ref
opts := data.config.default_sigstore_opts

deny contains msg if {
	d := ec.oci.descriptor(ref)
	m := ec.oci.image_manifest(ref)
	ms := ec.oci.image_manifests({ref, "r.example/x:1"})
	i := ec.oci.image_index(ref)
	b := ec.oci.blob(sprintf("%s@%s", [ref, m.config.digest]))
	p := ec.oci.parsed_blob(m.layers[0].digest)
	bf := ec.oci.blob_files(ref, ["a.yaml"])
	imf := ec.oci.image_files(ref, ["manifests"])
	tags := ec.oci.image_tag_refs(ref)
	refs := ec.oci.image_referrers(ref)
	vi := ec.sigstore.verify_image(ref, opts)
	va := ec.sigstore.verify_attestation(ref, {"ignore_rekor": true, "public_key": "x"})
	vi.success
	not va.success
	ec.purl.is_valid("pkg:npm/x@1")
	pu := ec.purl.parse("pkg:npm/x@1")
	msg := sprintf("%v", [[d.digest, ms, i.manifests[0].platform.os, b, p, bf, imf, tags[0], refs[0].ref, vi.signatures[0].signature, va.attestations[0].statement, pu.qualifiers]])
}`);
  assert.ok(compiled.entrypoints.includes('p/deny'));
});

test('argument types are checked as ec declares them (a one-string array for paths, a number is no ref)', async () => {
  const message = await compileError(`
deny contains msg if {
	f := ec.oci.blob_files(input.ref, ["a", "b"])
	msg := sprintf("%v", [f])
}

deny contains msg if {
	msg := ec.oci.blob(1)
}

deny contains msg if {
	m := ec.oci.image_manifest(input.ref)
	msg := m.layers[1].digest
}

deny contains msg if {
	r := ec.sigstore.verify_image(input.ref, {"ignore_rekor": "yes"})
	msg := r.errors[0]
}`);
  assert.match(message, /p\.rego:7: rego_type_error: ec\.oci\.blob_files: invalid argument\(s\)/);
  assert.match(message, /p\.rego:12: rego_type_error: ec\.oci\.blob: invalid argument\(s\)/);
  assert.match(message, /p\.rego:17: rego_type_error: undefined ref: m\.layers\[1\]/);
  assert.match(message, /p\.rego:21: rego_type_error: ec\.sigstore\.verify_image: invalid argument\(s\)/);
});

test('every compile error is listed, not the first ten', async () => {
  const rules = Array.from({ length: 14 }, (_, i) => `deny contains msg if {\n\tmsg := nope.f${i + 1}(input.x)\n}`);
  const message = await compileError(rules.join('\n\n'));
  for (let i = 1; i <= 14; i++) assert.match(message, new RegExp(`undefined function nope\\.f${i}\\b`));
  assert.match(message, /14 errors occurred/);
});

test('network builtins stay removed; an ec declaration replaces one of the same name', () => {
  const caps = ecCapabilities({
    builtins: [{ name: 'http.send' }, { name: 'count' }, { name: 'ec.oci.blob', decl: 'theirs' } as { name: string }],
    features: ['rego_v1'],
    allow_net: ['example.com'],
  });
  const names = caps.builtins.map((b) => b.name);
  assert.ok(!names.includes('http.send'));
  assert.deepEqual(
    names.filter((n) => n === 'ec.oci.blob'),
    ['ec.oci.blob'],
  );
  assert.deepEqual(
    caps.builtins.find((b) => b.name === 'ec.oci.blob'),
    EC_BUILTINS.find((b) => b.name === 'ec.oci.blob'),
  );
  assert.deepEqual(caps.allow_net, []);
  assert.deepEqual(caps.features, ['rego_v1']);
  assert.equal(EC_BUILTINS.length, 14);
});
