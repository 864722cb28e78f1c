// PEM read strictly: whole blocks and whitespace only, canonical base64, in linear time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { PemError, pemBlocks, pemCertificateBlocks, toPem } from '../../../src/util/pem.ts';
import { assertLinear, withinCpu } from '../../support/cpu-time.ts';

const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const pem = key.export({ type: 'spki', format: 'pem' }).toString();
const der = key.export({ type: 'spki', format: 'der' });

test('blocks in order, with their DER; toPem writes what pemBlocks reads', () => {
  assert.deepEqual(pemBlocks(`\n${pem}\r\n${toPem('CERTIFICATE', der)}  `), [
    { type: 'PUBLIC KEY', der },
    { type: 'CERTIFICATE', der },
  ]);
  assert.equal(toPem('PUBLIC KEY', der), pem);
  assert.deepEqual(pemBlocks(''), []);
});

test('text around or between blocks, mismatched or empty blocks and non-base64 bodies are refused', () => {
  for (const text of [
    `# comment\n${pem}`,
    `${pem}junk`,
    pem.replace('-----END PUBLIC KEY-----', '-----END CERTIFICATE-----'),
    '-----BEGIN X-----\n-----END X-----',
    pem.replace(/\n([A-Za-z0-9])/, '\n*$1'),
    pem.replace(/=?\n-----END/, 'A\n-----END'),
  ]) {
    assert.throws(() => pemBlocks(text), PemError, JSON.stringify(text));
  }
});

test('linear time whatever an attacker writes', () => {
  for (const text of [
    `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2_000_000)}`,
    '-----BEGIN CERTIFICATE-----\n-'.repeat(100_000),
    `${'-----BEGIN X-----\nAA==\n-----END X-----\n'.repeat(50_000)}junk`,
  ]) {
    withinCpu(15_000, `${text.length} bytes`, () => assert.throws(() => pemBlocks(text), PemError));
  }
});

test('a CA bundle: its certificate blocks, text between them skipped, in linear time', () => {
  const cert = toPem('CERTIFICATE', der);
  assert.deepEqual(pemCertificateBlocks(`# Issuer: x\n${cert}\n${pem}junk ${cert.trimEnd()}`), [cert, cert]);
  assert.deepEqual(pemCertificateBlocks('-----BEGIN CERTIFICATE----------END CERTIFICATE-----'), []);
  assert.deepEqual(pemCertificateBlocks(cert.replace('-----END CERTIFICATE-----', '')), []);
  assert.deepEqual(pemCertificateBlocks('-----BEGIN CERTIFICATE-----\n'.repeat(200_000)), []);
  assertLinear(
    'n unterminated blocks',
    10_000,
    (n) => '-----BEGIN CERTIFICATE-----\n'.repeat(n),
    (text) => assert.deepEqual(pemCertificateBlocks(text), []),
  );
});
