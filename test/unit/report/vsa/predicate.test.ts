// The VSA statements vouch builds from a run's report: the SLSA VSA v1 predicate and ec's conforma
// predicate, each checked against its schema (test/support/vsa), reproducible except for the time,
// and honest: a failed component is FAILED with no SLSA level, an unpinned image gets no VSA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComponentReport } from '../../../../src/model/report.ts';
import type { InTotoStatement } from '../../../../src/model/statement.ts';
import { conformaVsaStatement, slsaVsaStatement, verifiedLevels, type VsaContext } from '../../../../src/report/vsa/predicate.ts';
import { assertVsaShape, vsaShapeErrors } from '../../../support/vsa/shape.ts';

const HEX = 'ab'.repeat(32);
const POLICY_HEX = 'cd'.repeat(32);
const passed: ComponentReport = {
  name: 'app',
  containerImage: `registry.local:5000/team/app@sha256:${HEX}`,
  source: { git: { url: 'https://git.example/app', revision: 'abc' } },
  success: true,
  violations: [],
  warnings: [{ msg: 'careful', metadata: { code: 'x.y' } }],
  successCount: 7,
};
const failed: ComponentReport = { ...passed, success: false, violations: [{ msg: 'no', metadata: { code: 'x.z' } }] };
const provenance: InTotoStatement = {
  _type: 'https://in-toto.io/Statement/v0.1',
  subject: [{ name: 'x', digest: { sha256: HEX } }],
  predicateType: 'https://slsa.dev/provenance/v0.2',
  predicate: { b: 1, a: 2 },
};

const ctx = (
  time = new Date('2026-12-03T04:05:06.789Z'),
  spec: VsaContext['policy']['spec'] = { sources: [{ policy: ['oci::registry.local/policy@sha256:' + 'ef'.repeat(32)], config: { include: ['@slsa3'] } }] },
): VsaContext => ({
  policy: { spec, digest: `sha256:${POLICY_HEX}`, source: 'policy.yaml', publicKey: '' },
  version: 'v1.2.3',
  time,
});

test('a passed component: subject, resource, policy digest, attestations, level, all in the SLSA shape', () => {
  const s = slsaVsaStatement({ report: passed, attestations: [provenance] }, ctx());
  assert.ok(s);
  assertVsaShape(s, 'slsa');
  assert.deepEqual(s.subject, [{ name: 'registry.local:5000/team/app', digest: { sha256: HEX } }]);
  assert.equal(s.predicate.resourceUri, `registry.local:5000/team/app@sha256:${HEX}`);
  assert.equal(s.predicate.timeVerified, '2026-12-03T04:05:06Z');
  assert.deepEqual(s.predicate.policy, { uri: `oci::registry.local/policy@sha256:${'ef'.repeat(32)}`, digest: { sha256: POLICY_HEX } });
  assert.deepEqual(s.predicate.verifier, { id: 'https://github.com/vouch-dev/vouch', version: { vouch: 'v1.2.3' } });
  assert.equal(s.predicate.verificationResult, 'PASSED');
  assert.deepEqual(s.predicate.verifiedLevels, ['SLSA_BUILD_LEVEL_3']);
  assert.equal(s.predicate.inputAttestations.length, 1);
  assert.equal(s.predicate.inputAttestations[0]!.uri, 'https://slsa.dev/provenance/v0.2');
  // The attestation's digest is its content's, whatever the key order it was parsed in.
  const reordered = { ...provenance, predicate: { a: 2, b: 1 } };
  assert.deepEqual(slsaVsaStatement({ report: passed, attestations: [reordered] }, ctx())!.predicate.inputAttestations, s.predicate.inputAttestations);
  const other = { ...provenance, predicate: { a: 3, b: 1 } };
  assert.notDeepEqual(slsaVsaStatement({ report: passed, attestations: [other] }, ctx())!.predicate.inputAttestations, s.predicate.inputAttestations);
});

test('a failed component is FAILED with the FAILED level, never a SLSA level', () => {
  const s = slsaVsaStatement({ report: failed, attestations: [] }, ctx());
  assert.ok(s);
  assertVsaShape(s, 'slsa');
  assert.equal(s.predicate.verificationResult, 'FAILED');
  assert.deepEqual(s.predicate.verifiedLevels, ['FAILED']);
});

test('reproducible: the same inputs give the same statement except timeVerified', () => {
  const a = slsaVsaStatement({ report: passed, attestations: [provenance, provenance] }, ctx(new Date('2026-01-01T00:00:00Z')))!;
  const b = slsaVsaStatement({ report: structuredClone(passed), attestations: [structuredClone(provenance)] }, ctx(new Date('2027-06-01T00:00:00Z')))!;
  assert.notEqual(a.predicate.timeVerified, b.predicate.timeVerified);
  assert.equal(
    JSON.stringify({ ...a, predicate: { ...a.predicate, timeVerified: '' } }),
    JSON.stringify({ ...b, predicate: { ...b.predicate, timeVerified: '' } }),
  );
});

test('verifiedLevels: only collections mapped to a build level count, the highest wins', () => {
  assert.deepEqual(verifiedLevels({ sources: [{ config: { include: ['@minimal'] } }] }, true), []);
  assert.deepEqual(verifiedLevels({}, true), []);
  assert.deepEqual(verifiedLevels({ configuration: { collections: ['slsa2'] } }, true), ['SLSA_BUILD_LEVEL_2']);
  assert.deepEqual(verifiedLevels({ configuration: { include: ['@slsa1'] }, sources: [{ config: { include: ['@slsa3', 'slsa2'] } }] }, true), [
    'SLSA_BUILD_LEVEL_3',
  ]);
  // A rule or package named like a collection is not a collection.
  assert.deepEqual(verifiedLevels({ sources: [{ config: { include: ['slsa3'] } }] }, true), []);
  assert.deepEqual(verifiedLevels({ configuration: { collections: ['slsa3'] } }, false), ['FAILED']);
});

test('an inline policy is named inline; an image that was never pinned gets no VSA', () => {
  assert.equal(slsaVsaStatement({ report: passed, attestations: [] }, ctx(undefined, { sources: [{ ruleData: {} }] }))!.predicate.policy.uri, 'inline');
  const unpinned = { ...passed, containerImage: 'registry.local:5000/team/app:latest', success: false };
  assert.equal(slsaVsaStatement({ report: unpinned, attestations: [] }, ctx()), undefined);
  assert.equal(conformaVsaStatement({ report: unpinned, attestations: [] }, ctx()), undefined);
  assert.equal(slsaVsaStatement({ report: { ...passed, containerImage: 'not a reference' }, attestations: [] }, ctx()), undefined);
});

test("ec's conforma predicate: ec's fields and counts, in ec's shape", () => {
  const s = conformaVsaStatement({ report: failed, attestations: [] }, ctx());
  assert.ok(s);
  assertVsaShape(s, 'conforma');
  assert.equal(s.predicate.status, 'failed');
  assert.deepEqual([s.predicate.summary.violations, s.predicate.summary.warnings, s.predicate.summary.successes], [1, 1, 7]);
  assert.equal(s.predicate.timestamp, '2026-12-03T04:05:06Z');
  assert.deepEqual(s.predicate.imageRefs, [passed.containerImage]);
});

test('the schemas are not vacuous: broken statements are refused', () => {
  const s = slsaVsaStatement({ report: passed, attestations: [] }, ctx())!;
  const broken = [
    { ...s, predicateType: 'https://slsa.dev/verification_summary/v0.2' },
    { ...s, predicate: { ...s.predicate, verificationResult: 'OK' } },
    { ...s, predicate: { ...s.predicate, timeVerified: '2026-12-03T04:05:06.789Z' } },
    { ...s, predicate: { ...s.predicate, policy: { uri: 'x', digest: { sha256: 'short' } } } },
    { ...s, subject: [] },
  ];
  for (const b of broken) assert.notDeepEqual(vsaShapeErrors(b, 'slsa'), [], JSON.stringify(b));
  assert.notDeepEqual(vsaShapeErrors(s, 'conforma'), []);
});
