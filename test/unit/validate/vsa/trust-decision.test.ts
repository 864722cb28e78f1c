// The VSA trust decision, case by case: only a VSA signed by the configured signer, about exactly
// this digest, PASSED for this policy's content digest, verified within --vsa-expiration and not in
// the future stands for a validation; a doubtful candidate vetoes the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InTotoStatement } from '../../../../src/model/statement.ts';
import type { VsaCandidate } from '../../../../src/sigstore/verify-vsa.ts';
import { CLOCK_SKEW_MS, VOUCH_VERIFIER_ID, decideVsaTrust, judgeVsa, type VsaExpectation } from '../../../../src/validate/vsa/trust-decision.ts';

const HEX = 'a'.repeat(64);
const POLICY = 'b'.repeat(64);
const NOW = new Date('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;
const expect: VsaExpectation = { imageDigest: `sha256:${HEX}`, policyDigest: `sha256:${POLICY}`, now: NOW, maxAgeMs: 168 * HOUR };

function statement(edit: (s: Record<string, unknown> & { predicate: Record<string, unknown> }) => void = () => undefined): InTotoStatement {
  const s = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'registry.example/app', digest: { sha256: HEX } }],
    predicateType: 'https://slsa.dev/verification_summary/v1',
    predicate: {
      verifier: { id: VOUCH_VERIFIER_ID, version: { vouch: '1.0.0' } },
      timeVerified: '2026-12-03T11:00:00Z',
      resourceUri: `registry.example/app@sha256:${HEX}`,
      policy: { uri: 'inline', digest: { sha256: POLICY } },
      inputAttestations: [],
      verificationResult: 'PASSED',
      verifiedLevels: [],
      slsaVersion: '1.0',
    } as Record<string, unknown>,
  };
  edit(s);
  return s;
}

const signed = (s: InTotoStatement, digest = 'sha256:' + 'c'.repeat(64)): VsaCandidate => ({
  digest,
  source: 'attestation layer',
  verified: { statement: s, signature: { keyid: '', sig: 'c2ln' }, signer: 'key sha256:1234' },
});
const forged = (digest = 'sha256:' + 'd'.repeat(64)): VsaCandidate => ({
  digest,
  source: 'attestation layer',
  rejection: { code: 'SIGNATURE_INVALID', message: 'signature invalid' },
});
const at = (iso: string) => (s: { predicate: Record<string, unknown> }) => {
  s.predicate.timeVerified = iso;
};

const cases: { name: string; candidates: VsaCandidate[]; trusted: boolean; why?: RegExp; expectation?: Partial<VsaExpectation> }[] = [
  { name: 'a signed, current, PASSED VSA for this policy', candidates: [signed(statement())], trusted: true },
  {
    name: 'v0.1 statements (cosign attest writes them) are read too',
    candidates: [signed(statement((s) => (s._type = 'https://in-toto.io/Statement/v0.1')))],
    trusted: true,
  },
  { name: 'no VSA', candidates: [], trusted: false, why: /no VSA found/ },
  { name: 'found and unexpired but not verified (ec’s hole)', candidates: [forged()], trusted: false, why: /cannot be trusted/ },
  { name: 'FAILED', candidates: [signed(statement((s) => (s.predicate.verificationResult = 'FAILED')))], trusted: false, why: /cannot be trusted/ },
  { name: 'neither PASSED nor FAILED', candidates: [signed(statement((s) => (s.predicate.verificationResult = 'passed')))], trusted: false },
  {
    name: 'another policy digest',
    candidates: [signed(statement((s) => (s.predicate.policy = { uri: 'inline', digest: { sha256: 'e'.repeat(64) } })))],
    trusted: false,
    why: /no current VSA/,
  },
  {
    name: 'a policy digest that is no sha256',
    candidates: [signed(statement((s) => (s.predicate.policy = { digest: { sha256: POLICY.toUpperCase() } })))],
    trusted: false,
  },
  { name: 'no policy digest', candidates: [signed(statement((s) => delete s.predicate.policy))], trusted: false },
  { name: 'the run has no policy digest', candidates: [signed(statement())], trusted: false, expectation: { policyDigest: undefined } },
  { name: 'expired', candidates: [signed(statement(at('2026-11-26T11:59:59Z')))], trusted: false, why: /no current VSA/ },
  { name: 'exactly at the expiration', candidates: [signed(statement(at('2026-11-26T12:00:00Z')))], trusted: true },
  { name: 'in the future within the skew', candidates: [signed(statement(at(new Date(NOW.getTime() + CLOCK_SKEW_MS).toISOString())))], trusted: true },
  {
    name: 'in the future beyond the skew',
    candidates: [signed(statement(at(new Date(NOW.getTime() + CLOCK_SKEW_MS + 1000).toISOString())))],
    trusted: false,
    why: /cannot be trusted/,
  },
  { name: 'timeVerified not RFC 3339', candidates: [signed(statement(at('Thu Dec 3 11:00:00 2026')))], trusted: false },
  { name: 'timeVerified a number', candidates: [signed(statement((s) => (s.predicate.timeVerified = 1764759600)))], trusted: false },
  { name: 'another subject', candidates: [signed(statement((s) => (s.subject = [{ digest: { sha256: 'f'.repeat(64) } }])))], trusted: false },
  {
    name: 'this subject and another',
    candidates: [signed(statement((s) => (s.subject = [{ digest: { sha256: HEX } }, { digest: { sha256: 'f'.repeat(64) } }])))],
    trusted: false,
  },
  {
    name: 'another predicate type',
    candidates: [signed(statement((s) => (s.predicateType = 'https://conforma.dev/verification_summary/v1')))],
    trusted: false,
  },
  { name: 'another verifier', candidates: [signed(statement((s) => (s.predicate.verifier = { id: 'https://example.com/other' })))], trusted: false },
  { name: 'no predicate', candidates: [signed(statement((s) => delete (s as Record<string, unknown>).predicate))], trusted: false },
  { name: 'not an in-toto statement type', candidates: [signed(statement((s) => (s._type = 'https://example.com/Statement')))], trusted: false },
  { name: 'a good VSA and a forged one', candidates: [signed(statement()), forged()], trusted: false, why: /cannot be trusted/ },
  {
    name: 'a good VSA and a signed FAILED one for the same policy',
    candidates: [signed(statement()), signed(statement((s) => (s.predicate.verificationResult = 'FAILED')))],
    trusted: false,
  },
  {
    name: 'a good VSA and an expired one',
    candidates: [signed(statement(), 'sha256:' + '1'.repeat(64)), signed(statement(at('2026-01-01T00:00:00Z')))],
    trusted: true,
  },
  {
    name: 'a good VSA and a FAILED one of another policy',
    candidates: [
      signed(statement()),
      signed(
        statement((s) => {
          s.predicate.verificationResult = 'FAILED';
          s.predicate.policy = { digest: { sha256: 'e'.repeat(64) } };
        }),
      ),
    ],
    trusted: true,
  },
  {
    name: 'a forged VSA for this policy next to a signed one for another (no mix-up)',
    candidates: [signed(statement((s) => (s.predicate.policy = { digest: { sha256: 'e'.repeat(64) } }))), forged()],
    trusted: false,
  },
];

for (const c of cases) {
  test(`VSA trust: ${c.name}`, () => {
    const decision = decideVsaTrust(c.candidates, { ...expect, ...c.expectation });
    assert.equal(decision.trusted, c.trusted, JSON.stringify(decision));
    if (!decision.trusted && c.why) assert.match(decision.why, c.why);
    if (!decision.trusted) assert.ok(decision.why.length > 0);
    // Every candidate not trusted says why.
    const judged = c.candidates.map((x) => judgeVsa(x, { ...expect, ...c.expectation }));
    assert.equal(decision.notes.length, judged.filter((j) => j.kind !== 'pass').length);
  });
}

test('VSA trust: the newest of several current VSAs is reported, with its digest, signer and time', () => {
  const older = signed(statement(at('2026-12-02T00:00:00Z')), 'sha256:' + '1'.repeat(64));
  const newer = signed(statement(at('2026-12-03T10:00:00Z')), 'sha256:' + '2'.repeat(64));
  const decision = decideVsaTrust([older, newer], expect);
  assert.ok(decision.trusted);
  assert.deepEqual(decision.evidence, {
    digest: 'sha256:' + '2'.repeat(64),
    source: 'attestation layer',
    signer: 'key sha256:1234',
    timeVerified: '2026-12-03T10:00:00Z',
    policyDigest: `sha256:${POLICY}`,
    verificationResult: 'PASSED',
  });
});

test('VSA trust: a rejected candidate’s note carries the signature layer’s reason', () => {
  const decision = decideVsaTrust([forged()], expect);
  assert.match(decision.notes[0]!, /ignored: not verified: signature invalid/);
});
