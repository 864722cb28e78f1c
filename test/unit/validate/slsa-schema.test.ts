import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1, validateProvenanceStatement } from '../../../src/validate/slsa-schema.ts';

const digest = { sha256: 'a'.repeat(64) };
const v02 = () => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: SLSA_PROVENANCE_V02,
  subject: [{ name: 'registry.example/app', digest }],
  predicate: {
    builder: { id: 'https://tekton.dev/chains/v2' },
    buildType: 'tekton.dev/v1beta1/PipelineRun',
    metadata: { buildStartedOn: '2026-01-01T10:00:00Z', buildFinishedOn: '2026-01-01T10:05:00Z' },
    materials: [{ uri: 'git+https://example.com/repo.git', digest: { sha1: 'b'.repeat(40) } }],
  },
});

test('a well-formed Tekton Chains SLSA v0.2 statement passes', () => {
  assert.equal(validateProvenanceStatement(v02(), SLSA_PROVENANCE_V02), undefined);
});

test('v0.2 errors read as ec reports them (ec snapshot cases)', () => {
  const noType: Record<string, unknown> = v02();
  delete noType._type;
  assert.equal(
    validateProvenanceStatement(noType, SLSA_PROVENANCE_V02),
    "[I#] [S#] doesn't validate with https://slsa.dev/provenance/v0.2#\n  [I#] [S#/required] missing properties: '_type'",
  );
  assert.equal(
    validateProvenanceStatement({ ...v02(), subject: [] }, SLSA_PROVENANCE_V02),
    "[I#] [S#] doesn't validate with https://slsa.dev/provenance/v0.2#\n  [I#/subject] [S#/properties/subject/minItems] minimum 1 items required, but found 0 items",
  );
  const msg = validateProvenanceStatement({ ...v02(), subject: [{ name: '' }] }, SLSA_PROVENANCE_V02) ?? '';
  assert.match(msg, /\[I#\/subject\/0\] \[S#\/properties\/subject\/items\/required\] missing properties: 'digest'/);
  assert.match(msg, /\[I#\/subject\/0\/name\] \[S#\/properties\/subject\/items\/properties\/name\/minLength\] length must be >= 1, but got 0/);
  assert.match(validateProvenanceStatement({ ...v02(), _type: 'x' }, SLSA_PROVENANCE_V02) ?? '', /value must be "https:\/\/in-toto.io\/Statement\/v0.1"/);
});

test('v0.2 checks builder.id, buildType, timestamps and digest sets', () => {
  const s = v02();
  s.predicate.builder.id = 'not a uri';
  s.predicate.metadata.buildFinishedOn = '2026-01-01 10:05';
  s.predicate.materials[0]!.digest = { sha1: 'XYZ' };
  const msg = validateProvenanceStatement(s, SLSA_PROVENANCE_V02) ?? '';
  assert.match(msg, /\[I#\/predicate\/builder\/id\] .* is not valid "uri"/);
  assert.match(msg, /\[I#\/predicate\/metadata\/buildFinishedOn\]/);
  assert.match(msg, /\[I#\/predicate\/materials\/0\/digest\/sha1\] .*does not match pattern/);
  const noBuildType: { predicate: Record<string, unknown> } = v02();
  delete noBuildType.predicate.buildType;
  assert.match(validateProvenanceStatement(noBuildType, SLSA_PROVENANCE_V02) ?? '', /missing properties: 'buildType'/);
});

test('SLSA v1 requires buildDefinition and runDetails.builder.id, and accepts Chains v0.1 statements', () => {
  const v1 = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SLSA_PROVENANCE_V1,
    subject: [{ name: 'registry.example/app', digest }],
    predicate: {
      buildDefinition: {
        buildType: 'https://tekton.dev/chains/v2/slsa',
        externalParameters: {},
        resolvedDependencies: [{ uri: 'git+https://x', digest: { gitCommit: 'c'.repeat(40) } }],
      },
      runDetails: { builder: { id: 'https://tekton.dev/chains/v2' }, metadata: { startedOn: '2026-01-01T10:00:00Z' } },
    },
  };
  assert.equal(validateProvenanceStatement(v1, SLSA_PROVENANCE_V1), undefined);
  const broken = structuredClone(v1) as { predicate: { buildDefinition: Record<string, unknown>; runDetails: Record<string, unknown> } };
  delete broken.predicate.buildDefinition.externalParameters;
  broken.predicate.runDetails = {};
  const msg = validateProvenanceStatement(broken, SLSA_PROVENANCE_V1) ?? '';
  assert.match(msg, /missing properties: 'externalParameters'/);
  assert.match(msg, /\[I#\/predicate\/runDetails\] \[S#\/properties\/predicate\/properties\/runDetails\/required\] missing properties: 'builder'/);
});

test('other predicate types are not schema-checked', () => {
  assert.equal(validateProvenanceStatement({ anything: true }, 'https://cosign.sigstore.dev/attestation/v1'), undefined);
});
