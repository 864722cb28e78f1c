// The VSA statements of one run, built from its report: per component an in-toto Statement v1 with
// the SLSA VSA v1 predicate (https://slsa.dev/spec/v1.0/verification_summary), or ec's own
// predicate (conforma/cli a1833841 internal/validate/vsa/vsa.go GeneratePredicate, attest.go
// AttestPredicate). Pure: the same report, policy and time give the same bytes, so two runs over the
// same inputs differ only in timeVerified.
import { createHash } from 'node:crypto';
import type { PolicySpec } from '../../model/policy-spec.ts';
import type { ComponentReport } from '../../model/report.ts';
import type { InTotoStatement } from '../../model/statement.ts';
import {
  COLLECTION_BUILD_LEVELS,
  CONFORMA_VSA_PREDICATE_TYPE,
  INLINE_POLICY_URI,
  IN_TOTO_STATEMENT_V01,
  IN_TOTO_STATEMENT_V1,
  SLSA_VERSION,
  SLSA_VSA_PREDICATE_TYPE,
  VSA_VERIFIER_ID,
  type ConformaVsaPredicate,
  type SlsaVsaPredicate,
  type VsaStatement,
  type VsaSubject,
} from '../../model/vsa.ts';
import { parseReference, repositoryName } from '../../oci/reference.ts';
import { canonicalJson } from '../../util/canonical-json.ts';
import { successCount } from '../counts.ts';

/** What a VSA says about the policy. */
interface VsaPolicy {
  /** The policy after pre-processing: source URLs pinned (the report's `policy`). */
  spec: PolicySpec;
  /** `sha256:<hex>`: the policy content digest (src/policy/digest.ts). */
  digest: string;
  /** ec's `policySource`: the --policy argument as given. */
  source: string;
  /** The public key the policy verified signatures with (ec's `publicKey`), PEM or empty. */
  publicKey: string;
}

/** One component of the report, with the statements of the attestations its policy saw. */
export interface VsaComponent {
  report: ComponentReport;
  attestations: InTotoStatement[];
}

export interface VsaContext {
  policy: VsaPolicy;
  /** vouch's version (`verifier.version.vouch`). */
  version: string;
  time: Date;
}

/** The component's pinned image, or undefined when it never got a sha256 digest (unreachable). */
export function vsaSubject(report: ComponentReport): (VsaSubject & { resourceUri: string }) | undefined {
  let ref;
  try {
    ref = parseReference(report.containerImage);
  } catch {
    return undefined;
  }
  if (ref.transport !== 'registry' || !ref.digest?.startsWith('sha256:')) return undefined;
  const name = repositoryName(ref);
  return { name, digest: { sha256: ref.digest.slice('sha256:'.length) }, resourceUri: `${name}@${ref.digest}` };
}

/** RFC 3339, UTC, whole seconds. */
const rfc3339Seconds = (t: Date): string => `${t.toISOString().slice(0, 19)}Z`;

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The first policy source URL as pinned, or `inline` for a policy without one. */
export function policyUri(spec: PolicySpec): string {
  for (const s of spec.sources ?? []) for (const url of s.policy ?? []) return url;
  return INLINE_POLICY_URI;
}

/** Collections the policy names: `configuration.collections`, and `@name` in any include list. */
function namedCollections(spec: PolicySpec): string[] {
  const includes = [...(spec.configuration?.include ?? []), ...(spec.sources ?? []).flatMap((s) => s.config?.include ?? [])];
  return [...(spec.configuration?.collections ?? []), ...includes.filter((i) => i.startsWith('@')).map((i) => i.slice(1))];
}

/**
 * `verifiedLevels`: `FAILED` for a failed component (the SLSA spec's value); for a passed one the
 * highest SLSA build level among the collections the policy names (slsa1..slsa3), else none — a
 * policy that does not say which SLSA requirements it checks verifies no SLSA level.
 */
export function verifiedLevels(spec: PolicySpec, passed: boolean): string[] {
  if (!passed) return ['FAILED'];
  const levels = namedCollections(spec).map((c) => COLLECTION_BUILD_LEVELS[c] ?? 0);
  const level = Math.max(0, ...levels);
  return level > 0 ? [`SLSA_BUILD_LEVEL_${level}`] : [];
}

/** Each attestation the policy saw, by the sha256 of its statement's canonical JSON, sorted and unique. */
function inputAttestations(statements: InTotoStatement[]): SlsaVsaPredicate['inputAttestations'] {
  const seen = new Map<string, string>();
  for (const s of statements) {
    const hex = sha256Hex(canonicalJson(s));
    seen.set(`${hex} ${s.predicateType}`, hex);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, hex]) => ({ uri: key.slice(hex.length + 1), digest: { sha256: hex } }));
}

/** The SLSA VSA v1 statement of one component; undefined when its image has no sha256 digest. */
export function slsaVsaStatement(c: VsaComponent, ctx: VsaContext): VsaStatement | undefined {
  const subject = vsaSubject(c.report);
  if (!subject) return undefined;
  const predicate: SlsaVsaPredicate = {
    verifier: { id: VSA_VERIFIER_ID, version: { vouch: ctx.version } },
    timeVerified: rfc3339Seconds(ctx.time),
    resourceUri: subject.resourceUri,
    policy: { uri: policyUri(ctx.policy.spec), digest: { sha256: ctx.policy.digest.replace(/^sha256:/, '') } },
    inputAttestations: inputAttestations(c.attestations),
    verificationResult: c.report.success ? 'PASSED' : 'FAILED',
    verifiedLevels: verifiedLevels(ctx.policy.spec, c.report.success),
    slsaVersion: SLSA_VERSION,
  };
  return { _type: IN_TOTO_STATEMENT_V1, subject: [{ name: subject.name, digest: subject.digest }], predicateType: SLSA_VSA_PREDICATE_TYPE, predicate };
}

/**
 * ec's predicate for one component, in ec's v0.1 statement (attest.go). ec writes `verifier:
 * "conforma"`; vouch names itself. ec's per-index-child breakdown is left out: vouch reports each
 * child as a component of its own, with a VSA of its own.
 */
export function conformaVsaStatement(c: VsaComponent, ctx: VsaContext): VsaStatement<ConformaVsaPredicate> | undefined {
  const subject = vsaSubject(c.report);
  if (!subject) return undefined;
  const r = c.report;
  const counts = { Violations: r.violations?.length ?? 0, Warnings: r.warnings?.length ?? 0, Successes: successCount(r) };
  const predicate: ConformaVsaPredicate = {
    policy: ctx.policy.spec,
    policySource: ctx.policy.source,
    imageRefs: [r.containerImage],
    timestamp: rfc3339Seconds(ctx.time),
    status: r.success ? 'passed' : 'failed',
    verifier: 'vouch',
    summary: {
      violations: counts.Violations,
      warnings: counts.Warnings,
      successes: counts.Successes,
      Components: [{ Name: r.name, ImageRef: r.containerImage, ...counts }],
      component: { name: r.name, containerImage: r.containerImage, source: r.source },
    },
    publicKey: ctx.policy.publicKey,
  };
  return { _type: IN_TOTO_STATEMENT_V01, subject: [{ name: subject.name, digest: subject.digest }], predicateType: CONFORMA_VSA_PREDICATE_TYPE, predicate };
}
