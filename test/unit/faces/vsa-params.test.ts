// VSA generation through the faces: the Tekton Task's ENABLE_VSA, ATTESTATION_FORMAT,
// VSA_SIGNING_KEY and VSA_UPLOAD become the flags ec's trusted-artifacts Task passes, a missing or
// cluster-held key names the param; the Action's enable-vsa inputs become the same flags, and its
// VSA inputs do nothing unless enable-vsa is "true".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, VouchError } from '../../../src/errors.ts';
import { actionArgs } from '../../../src/faces/github.ts';
import { asParamError, tektonArgs, vsaArgs } from '../../../src/faces/tekton/params.ts';

test('Tekton: ENABLE_VSA "true" exactly turns VSAs on, with ec\'s flags', () => {
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'false', VSA_SIGNING_KEY: 'k' }), []);
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'True', VSA_SIGNING_KEY: 'k' }), [], 'ec compares with "true" exactly');
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'true', ATTESTATION_FORMAT: 'dsse', VSA_SIGNING_KEY: 'file:///secrets/vsa.key', VSA_UPLOAD: 'local@/var/workdir/conforma/vsa,oci' }), [
    '--vsa', '--attestation-format=dsse', '--vsa-signing-key=/secrets/vsa.key', '--vsa-upload=local@/var/workdir/conforma/vsa,oci',
  ]);
  // Predicates go to VSA_UPLOAD's local directory only (ec copies them there); no key is asked for.
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'true', ATTESTATION_FORMAT: 'predicate', VSA_UPLOAD: 'rekor@https://rekor.example, local@/out' }), ['--vsa', '--attestation-format=predicate', '--vsa-upload=local@/out']);
  const paths = { images: '{}', resultsDir: '/r', reportsDir: '/h' };
  assert.deepEqual(tektonArgs({ ENABLE_VSA: 'true', VSA_SIGNING_KEY: '/k', VSA_UPLOAD: 'oci' }, paths).slice(-4), ['--vsa', '--attestation-format=dsse', '--vsa-signing-key=/k', '--vsa-upload=oci']);
});

test('Tekton: a missing key, or a k8s:// Secret reference, is an input error naming VSA_SIGNING_KEY', () => {
  const names = (fragment: string) => (e: unknown) => e instanceof InputError && e.value === 'VSA_SIGNING_KEY' && e.message.startsWith('VSA_SIGNING_KEY') && e.message.includes(fragment);
  assert.throws(() => vsaArgs({ ENABLE_VSA: 'true' }), names('name the key file'));
  assert.throws(() => vsaArgs({ ENABLE_VSA: 'true', VSA_SIGNING_KEY: 'k8s://ns/secret/key' }), names('reads no cluster Secret'));
  // A refused flag value is told as the param it came from.
  const err = asParamError(new InputError('VSA_FLAGS', '--vsa-upload "s3@x": unknown backend', { value: '--vsa-upload' }));
  assert.ok(err instanceof VouchError && err.exitCode === 2 && err.message.startsWith('VSA_UPLOAD: '));
});

test('Action: enable-vsa and its inputs become the flags; without enable-vsa they are not passed', () => {
  const inputs: Record<string, string> = { image: 'r/a:1', 'enable-vsa': 'true', 'attestation-format': 'dsse', 'vsa-keyless': 'true', 'vsa-upload': 'oci,rekor@https://rekor.sigstore.dev', 'attestation-output-dir': 'vsa' };
  const args = actionArgs((n) => inputs[n] ?? '');
  const at = args.indexOf('--vsa');
  assert.deepEqual(args.slice(at, at + 8), ['--vsa', '--attestation-format', 'dsse', '--vsa-keyless=true', '--vsa-upload', 'oci,rekor@https://rekor.sigstore.dev', '--attestation-output-dir', 'vsa']);
  const off = actionArgs((n) => ({ ...inputs, 'enable-vsa': 'false' })[n] ?? '');
  assert.ok(!off.some((a) => a.startsWith('--vsa') || a.startsWith('--attestation')), off.join(' '));
});
