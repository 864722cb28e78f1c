// Integers above 2^53 through the opa-wasm SDK, both ways, in a module built by the real opa: a
// host builtin's result reaches the policy with every digit (nanoseconds, a certificate's serial),
// and an argument the SDK can only hand over as a double is read back as the shortest decimal that
// rounds to it (exact up to 15-17 significant digits; docs/compatibility.md).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { buildWasm } from './build.ts';

const REGO = `package exact

import rego.v1

same_ns if time.parse_rfc3339_ns("2026-01-01T00:00:00.123456789Z") == 1767225600123456789

same_serial if crypto.x509.parse_certificates(input.cert)[0].SerialNumber == 133620319281491126257603866717596690416424083037

now_text := json.marshal(time.now_ns())

formatted := time.format(time.now_ns())

nanos_back := time.format(time.parse_rfc3339_ns("2026-01-01T00:00:00.123456789Z"))
`;

test('integers above 2^53 keep their digits between the module and the host builtins', async () => {
  const entrypoints = ['exact/same_ns', 'exact/same_serial', 'exact/now_text', 'exact/formatted', 'exact/nanos_back'];
  const wasm = await buildWasm(REGO, entrypoints);
  const bundle = JSON.parse(await readFile(new URL('../../../fixtures/cosign-bundle/oci-attestation.sigstore.json', import.meta.url), 'utf8')) as {
    verificationMaterial: { certificate: { rawBytes: string } };
  };
  const policy = await loadPolicy(wasm, { initial: 160 }, hostBuiltins(new Date('2026-01-01T00:00:00.123Z')));
  const value = (entrypoint: string): unknown =>
    (policy.evaluate({ cert: bundle.verificationMaterial.certificate.rawBytes }, entrypoint) as { result: unknown }[])[0]?.result;
  assert.equal(value('exact/same_ns'), true);
  assert.equal(value('exact/same_serial'), true);
  assert.equal(value('exact/now_text'), '1767225600123000000');
  // The double the SDK passes for ...123000000 is ...123000064; read back as the shortest decimal.
  assert.equal(value('exact/formatted'), '2026-01-01T00:00:00.123Z');
  // The residual: 19 significant digits do not survive the double; Go prints .123456789.
  assert.equal(value('exact/nanos_back'), '2026-01-01T00:00:00.1234568Z');
});
