// `npm start`: the shipped demo verifies offline, from an OCI layout, with no opa anywhere on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the demo (dist/index.js validate image --demo) passes offline without opa', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['dist/index.js', 'validate', 'image', '--demo', '--output', 'json'], {
    cwd: root,
    // Only node's own directory: no opa, no cosign, no registry.
    env: { PATH: dirname(process.execPath), HOME: root, VOUCH_CACHE_DIR: `${root}/.cache/demo-test` },
  });
  const report = JSON.parse(stdout) as { success: boolean; components: { containerImage: string; successes: { metadata: { code: string } }[] }[] };
  assert.equal(report.success, true);
  const codes = report.components[0]!.successes.map((s) => s.metadata.code);
  for (const code of [
    'builtin.image.signature_check',
    'builtin.attestation.signature_check',
    'builtin.attestation.syntax_check',
    'builder.allowed',
    'slsa_provenance_available.attestation_present',
  ]) {
    assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
  }
  assert.match(report.components[0]!.containerImage, /^oci:examples\/demo\/oci-layout@sha256:[0-9a-f]{64}$/);
});
