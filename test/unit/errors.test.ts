// Error codes are typed unions, one per layer: a code no layer declared does not compile. Exit codes
// go by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, ExitCode, InputError, VouchError, errorCode, exitCodeOf, type ErrorCode } from '../../src/errors.ts';
import type { ConfigErrorCode } from '../../src/config/errors.ts';
import type { RegistryErrorCode } from '../../src/oci/errors.ts';
import type { RejectionCode, SigstoreErrorCode } from '../../src/sigstore/errors.ts';
import type { PolicyErrorCode } from '../../src/policy/errors.ts';

test("every layer's codes are error codes; an undeclared one is a compile error", () => {
  const layers: ErrorCode[] = [
    'PKI_WITH_KEY' satisfies ConfigErrorCode,
    'RATE_LIMITED' satisfies RegistryErrorCode,
    'TRUST_ROOT_INVALID' satisfies SigstoreErrorCode,
    'SCT_INVALID' satisfies RejectionCode,
    'POLICY_COMPILE' satisfies PolicyErrorCode,
  ];
  assert.equal(layers.length, 5);
  // @ts-expect-error -- a typo in a code is a compile error
  const typo = new InputError('PKI_WITH_KEYS', 'x');
  assert.equal(typo.exitCode, ExitCode.BadInput);
});

test("exit codes and codes of thrown values: a VouchError's own, else internal", () => {
  assert.equal(exitCodeOf(new InputError('NO_IMAGES', 'x')), ExitCode.BadInput);
  assert.equal(exitCodeOf(new EnvironmentError('OPA_NOT_FOUND', 'x')), ExitCode.Environment);
  assert.equal(exitCodeOf(new VouchError('TIMEOUT', 'x', { exitCode: ExitCode.Timeout })), 4);
  assert.equal(exitCodeOf(new TypeError('bug')), ExitCode.Internal);
  assert.equal(errorCode(new TypeError('bug')), 'INTERNAL');
  assert.equal(errorCode(new InputError('NO_IMAGES', 'x')), 'NO_IMAGES');
  assert.deepEqual(ExitCode, { Ok: 0, PolicyFailed: 1, BadInput: 2, Environment: 3, Timeout: 4, Internal: 70 });
});
