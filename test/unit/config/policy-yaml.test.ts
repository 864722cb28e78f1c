// The policy configuration is YAML as ec reads it (sigs.k8s.io/yaml over go-yaml v2). Observed with
// the real ec v0.9.115: `ruleData: {d: 2024-01-01, b: yes, o: 0777}` reached Rego as
// {"b":true,"d":"2024-01-01","o":511}.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicyDocument, specFromDocument } from '../../../src/config/policy.ts';

test('ruleData in a policy document: dates stay strings, YAML 1.1 booleans and octal numbers', () => {
  const spec = specFromDocument(
    parsePolicyDocument('sources:\n  - ruleData:\n      d: 2024-01-01\n      b: yes\n      o: 0777\n', 'policy.yaml'),
    'policy.yaml',
  );
  assert.deepEqual(spec.sources?.[0]?.ruleData, { d: '2024-01-01', b: true, o: 511 });
});

test('volatile dates stay the text written (the report echoes the policy as given)', () => {
  const spec = specFromDocument(
    parsePolicyDocument('sources:\n  - volatileConfig:\n      exclude:\n        - value: x\n          effectiveUntil: 2026-01-01\n', 'policy.yaml'),
    'policy.yaml',
  );
  assert.equal(spec.sources?.[0]?.volatileConfig?.exclude?.[0]?.effectiveUntil, '2026-01-01');
});
