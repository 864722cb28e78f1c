// Each step of one component on its own (pin, signatures, attestations, attestation syntax, policy
// input, effective time, evaluation context), then the steps together through ComponentDeps: the
// image is real, in a registry on loopback; the signature checks and the policy are the seams.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyInput } from '../../../src/model/policy-input.ts';
import type { ComponentReport } from '../../../src/model/report.ts';
import type { InTotoStatement } from '../../../src/model/statement.ts';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import type { EvaluationContext, PolicyEvaluator } from '../../../src/policy/types.ts';
import type { AttestationCheck, SignatureCheck, VerifiedAttestation } from '../../../src/sigstore/types.ts';
import { validateComponent, type ComponentDeps } from '../../../src/validate/component.ts';
import {
  attestationSyntaxVerdict,
  attestationVerdict,
  effectiveTimeFor,
  evaluationContext,
  evidence,
  inaccessible,
  pinDigest,
  policyInput,
  signatureVerdict,
} from '../../../src/validate/component-steps.ts';
import { Findings } from '../../../src/validate/findings.ts';
import { startHostileRegistry, type HostileRegistry } from '../../support/hostile-registry.ts';
import { slsaV02 } from '../../support/predicates.ts';

let registry: HostileRegistry;
let digest: string;
const client = new RegistryClient({ retry: { retries: 0 } });
before(async () => {
  registry = await startHostileRegistry();
  digest = registry.putImage('app', 'v1');
});
after(() => registry.close());

const key = { keyMode: true, info: false };
const keyless = { keyMode: false, info: false };
const signature = { keyid: '', sig: 'MEUCIQ==' };
const statement = (predicateType: string, predicate: unknown): InTotoStatement => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  subject: [{ name: 'app', digest: { sha256: 'ab' } }],
  predicateType,
  predicate,
});
const provenance = (finishedOn?: string): VerifiedAttestation => ({
  statement: statement('https://slsa.dev/provenance/v0.2', slsaV02(finishedOn ? { finishedOn } : {})),
  signatures: [signature],
  predicateBuildType: 'tekton.dev/v1beta1/PipelineRun',
});
const base = (): ComponentReport => ({ name: 'app', containerImage: `${registry.host}/app:v1`, source: {}, success: false });

test('pin: a tag resolves to the digest; a pinned reference must still exist', async () => {
  assert.equal(await pinDigest(parseReference(`${registry.host}/app:v1`), client), digest);
  assert.equal(await pinDigest(parseReference(`${registry.host}/app@${digest}`), client), digest);
  const gone = `sha256:${'0'.repeat(64)}`;
  await assert.rejects(pinDigest(parseReference(`${registry.host}/app@${gone}`), client), (e: unknown) => e instanceof RegistryError && e.code === 'NOT_FOUND');
});

test('pin failed: the image is inaccessible; only a registry that failed marks an infrastructure error', () => {
  const missing = inaccessible(base(), new RegistryError('NOT_FOUND', 'manifest unknown'), false);
  assert.deepEqual(missing.violations, [{ msg: 'Image URL is not accessible: manifest unknown', metadata: { code: 'builtin.image.accessible' } }]);
  assert.equal(missing.infrastructureError, undefined);
  assert.deepEqual(inaccessible(base(), new RegistryError('UNREACHABLE', 'connection refused'), false).infrastructureError, {
    code: 'UNREACHABLE',
    message: 'connection refused',
  });
});

test("signatures: a pass, none found, none matching (key mode gets ec's public-key hint), a registry failure", () => {
  const ok: SignatureCheck = { ok: true, signatures: [signature], errors: [], noneFound: false };
  assert.deepEqual(signatureVerdict(ok, key), { pass: true, result: { msg: 'Pass', metadata: { code: 'builtin.image.signature_check' } } });
  const none: SignatureCheck = { ok: false, signatures: [], errors: [], noneFound: true };
  assert.equal(signatureVerdict(none, key).result.msg, 'Image signature check failed: no signatures found');
  const bad: SignatureCheck = {
    ok: false,
    signatures: [],
    errors: [
      { code: 'SIGNATURE_INVALID', message: 'a' },
      { code: 'IDENTITY_MISMATCH', message: 'b' },
    ],
    noneFound: false,
  };
  assert.match(signatureVerdict(bad, key).result.msg, /^No image signatures found matching the given public key\. .* Error: no matching signatures: a\n b$/);
  assert.equal(signatureVerdict(bad, keyless).result.msg, 'Image signature check failed: no matching signatures: a\n b');
  const down = signatureVerdict(new RegistryError('UNREACHABLE', 'registry down'), key);
  assert.deepEqual([down.pass, down.result.msg], [false, 'Image signature check failed: registry down']);
});

test("attestations: ec's wording for none found and none matching", () => {
  const none: AttestationCheck = { ok: false, attestations: [], errors: [], noneFound: true };
  assert.match(attestationVerdict(none, key).result.msg, /^No image attestations found matching the given public key\. .* Error: no matching attestations: $/);
  const bad: AttestationCheck = { ok: false, attestations: [], errors: [{ code: 'SIGNATURE_INVALID', message: 'wrong key' }], noneFound: false };
  assert.equal(attestationVerdict(bad, keyless).result.msg, 'Image attestation check failed: no matching attestations: wrong key');
  assert.equal(attestationVerdict({ ok: true, attestations: [provenance()], errors: [], noneFound: false }, key).pass, true);
});

test('attestation syntax: provenance checked against its schema; other predicates pass; none is a failure', () => {
  assert.equal(attestationSyntaxVerdict([provenance()], false).pass, true);
  assert.equal(attestationSyntaxVerdict([{ statement: statement('https://example.com/custom', 'anything'), signatures: [signature] }], false).pass, true);
  const broken = attestationSyntaxVerdict([{ statement: statement('https://slsa.dev/provenance/v0.2', { builder: {} }), signatures: [signature] }], false);
  assert.equal(broken.pass, false);
  assert.match(broken.result.msg, /^Attestation syntax check failed: attestation syntax validation failed: /);
  assert.deepEqual(attestationSyntaxVerdict([], false).result.msg, 'Attestation syntax check failed: no attestation data');
});

test("evidence and policy input: ec's fields in ec's order, empty ones left out but the source struct", () => {
  assert.deepEqual(evidence([], []), {});
  const shown = evidence([signature], [provenance()]);
  assert.deepEqual(shown.attestations, [
    {
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      predicateBuildType: 'tekton.dev/v1beta1/PipelineRun',
      signatures: [signature],
    },
  ]);
  const policy: PolicyEvaluator = {
    spec: { sources: [] },
    digest: `sha256:${'0'.repeat(64)}`,
    evaluate: () => Promise.reject(new Error('not evaluated here')),
    close: () => Promise.resolve(),
  };
  const snapshot = { application: '', components: [{ name: 'app', containerImage: 'r:1' }], artifacts: {} };
  const input = policyInput({
    ref: 'r@sha256:ab',
    component: { name: 'app', containerImage: 'r:1', source: { git: { url: 'u', revision: 'c' } } },
    signatures: [],
    attestations: [provenance()],
    image: { config: { Labels: {} } },
    snapshot,
    policy,
  });
  assert.deepEqual(Object.keys(input), ['attestations', 'image', 'snapshot', 'component_name', 'policy_spec']);
  assert.deepEqual(input.image, { ref: 'r@sha256:ab', config: { Labels: {} }, source: { git: { url: 'u', revision: 'c' } } });
  assert.deepEqual(Object.keys(input.attestations[0]!), ['statement', 'signatures']);
  const unnamed = policyInput({
    ref: 'r',
    component: { name: '', containerImage: 'r', source: {} },
    signatures: [signature],
    attestations: [],
    image: {},
    snapshot,
    policy,
  });
  // ec's image.source and snapshot components' source are Go structs: `{}` when empty (policy-input output of ec v0.9.115).
  assert.deepEqual(unnamed.image, { ref: 'r', signatures: [signature], source: {} });
  // The run's one snapshot object, never a per-component copy (a copy each made 10,000 components quadratic: src/policy/wasm/workers.ts shares it by identity).
  assert.equal(unnamed.snapshot, snapshot);
  assert.equal(input.snapshot, snapshot);
  assert.equal('component_name' in unnamed, false);
});

test("effective time: a fixed time, the newest buildFinishedOn of the attestations, else the run's clock", () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const fixed = new Date('2020-05-05T00:00:00Z');
  const attestations = [provenance('2026-01-01T00:00:00Z'), provenance('2026-03-01T00:00:00Z'), provenance('not a time')].map((a) => ({
    statement: a.statement,
    signatures: a.signatures,
  }));
  assert.equal(effectiveTimeFor({ kind: 'fixed', time: fixed }, attestations, now), fixed);
  assert.deepEqual(effectiveTimeFor({ kind: 'attestation' }, attestations, now), new Date('2026-03-01T00:00:00Z'));
  assert.equal(effectiveTimeFor({ kind: 'attestation' }, [], now), now);
  assert.equal(effectiveTimeFor({ kind: 'now' }, attestations, now), now);
});

test("evaluation context: the image's repository and digest, and the original name of an expanded component", () => {
  const at = new Date();
  assert.deepEqual(evaluationContext(parseReference(`${registry.host}/app:v1`), digest, 'app-x-amd64', 'app', at), {
    imageDigest: digest,
    imageUrl: `${registry.host}/app`,
    componentName: 'app-x-amd64',
    originalComponentName: 'app',
    effectiveTime: at,
  });
});

test("findings: the report in ec's field order; successes counted even when not shown", () => {
  const findings = new Findings();
  findings.add({ pass: true, result: { msg: 'Pass', metadata: { code: 'builtin.image.signature_check' } } });
  findings.addPolicy({ violations: [], warnings: [{ msg: 'w' }], successes: [], successCount: 3 });
  const report = findings.report(base(), evidence([signature], []), false);
  assert.deepEqual(Object.keys(report), ['name', 'containerImage', 'source', 'success', 'warnings', 'signatures', 'successCount']);
  assert.deepEqual([report.success, report.successCount], [true, 4]);
});

test('the steps together: the policy sees the pinned image, the attestations and the attestation time', async () => {
  const seen: { input: PolicyInput; ctx: EvaluationContext }[] = [];
  const policy: PolicyEvaluator = {
    spec: { sources: [] },
    digest: `sha256:${'0'.repeat(64)}`,
    evaluate: (input, ctx) => {
      seen.push({ input, ctx });
      return Promise.resolve({ violations: [{ msg: 'denied', metadata: { code: 'p.denied' } }], warnings: [], successes: [], successCount: 2 });
    },
    close: () => Promise.resolve(),
  };
  const snapshot = { application: 'a', components: [], artifacts: {} };
  const deps: ComponentDeps = {
    sourceFor: () => client,
    verifySignatures: () => Promise.resolve({ ok: true, signatures: [signature], errors: [], noneFound: false }),
    verifyAttestations: () => Promise.resolve({ ok: true, attestations: [provenance('2026-02-02T00:00:00Z')], errors: [], noneFound: false }),
    imageInfo: () => Promise.resolve({}),
    mode: { kind: 'key', publicKey: '', ignoreTlog: true },
    ready: () => Promise.resolve({ policy, snapshot }),
    info: false,
    showSuccesses: true,
    effectiveTime: { kind: 'attestation' },
    now: new Date(),
    log: () => undefined,
  };
  const { report, input } = await validateComponent(
    { component: { name: 'app', containerImage: `${registry.host}/app:v1` }, ref: parseReference(`${registry.host}/app:v1`) },
    deps,
  );
  assert.equal(report.containerImage, `${registry.host}/app@${digest}`);
  assert.equal(report.success, false);
  assert.deepEqual(report.violations, [{ msg: 'denied', metadata: { code: 'p.denied' } }]);
  assert.deepEqual(
    report.successes?.map((s) => s.metadata?.code),
    ['builtin.attestation.signature_check', 'builtin.attestation.syntax_check', 'builtin.image.signature_check'],
  );
  assert.equal(report.successCount, 5);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.input, input);
  // The run's one snapshot object, as the evaluator shares it (by identity: src/policy/wasm/workers.ts).
  assert.equal(input?.snapshot, snapshot);
  assert.equal(input.image.ref, report.containerImage);
  assert.deepEqual(seen[0]!.ctx.effectiveTime, new Date('2026-02-02T00:00:00Z'));
  assert.equal(seen[0]!.ctx.imageDigest, digest);

  // A failed attestation check stops before the policy; the signature evidence is still shown.
  const unattested = await validateComponent(
    { component: { name: 'app', containerImage: `${registry.host}/app:v1` }, ref: parseReference(`${registry.host}/app:v1`) },
    { ...deps, verifyAttestations: () => Promise.resolve({ ok: false, attestations: [], errors: [], noneFound: true }) },
  );
  assert.equal(unattested.input, undefined);
  assert.deepEqual(unattested.report.signatures, [signature]);
  assert.equal(seen.length, 1, 'the policy was not evaluated');
});
