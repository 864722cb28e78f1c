// `ec.sigstore.verify_image` and `ec.sigstore.verify_attestation` (conforma/cli a18338416237
// internal/rego/sigstore/sigstore.go) through vouch's verifiers: the options a policy passes
// (usually data.config.default_sigstore_opts) choose the key or the keyless identity; the trust
// material (trusted root, organisation CA, SCT rule) is the run's. Never undefined: a failure is
// `success: false` with ec's error strings. A signature is `signature` here, not `sig` as in input.
import { publicKeyFromPem } from '../../config/public-key.ts';
import type { IdentityConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import type { EntitySignature } from '../../model/signature.ts';
import type { ImageReference, ImageSource } from '../../oci/types.ts';
import type { AttestationCheck, SignatureCheck, VerificationMode, VerifyContext } from '../../sigstore/types.ts';
import { verifyImageAttestations } from '../../sigstore/verify-attestations.ts';
import { verifyImageSignatures } from '../../sigstore/verify-signatures.ts';
import { ecDigestReference, type PinnedReference } from './reference.ts';
import type { Json } from './shapes.ts';

/** The run's trust material and registry access. */
export interface SigstoreDeps {
  sourceFor: (ref: ImageReference) => ImageSource;
  /** The run's Sigstore trusted root, loaded on first use. */
  trustedRoot?: () => Promise<unknown>;
  /** The run's Rekor URL (an option's `rekor_url` takes precedence). */
  rekorUrl?: string;
  /** The run's organisation CA for keyless certificates, instead of Fulcio. */
  pki?: { roots: string[]; intermediates: string[] };
  ignoreSct?: boolean;
}

type Outcome = { ok: true; ctx: VerifyContext } | { ok: false; error: string };

/** OPA's type names, for operand errors (a set arrives as an array). */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const stringOpt = (opts: Record<string, unknown>, key: string): string => (typeof opts[key] === 'string' ? opts[key] : '');

/** ec's parseCheckOpts → policy.NewPolicy, with vouch's rule that a key is PEM text, never a file or KMS. */
function modeFrom(opts: Record<string, unknown>, deps: SigstoreDeps): VerificationMode | string {
  if (stringOpt(opts, 'rekor_public_key') !== '') return 'rekor_public_key is not supported by vouch: Rekor keys come from the trusted root';
  const publicKey = stringOpt(opts, 'public_key');
  if (publicKey !== '') {
    if (!publicKey.includes('-----BEGIN')) return 'new policy: public_key must be PEM text (vouch reads no file, URL or KMS key a policy names)';
    try {
      publicKeyFromPem(publicKey, 'public_key');
    } catch (err) {
      return `new policy: ${errorMessage(err)}`;
    }
    return { kind: 'key', publicKey, ignoreTlog: opts.ignore_rekor === true };
  }
  const identity: IdentityConfig = {};
  const set = (key: keyof IdentityConfig, opt: string): void => {
    const v = stringOpt(opts, opt);
    if (v !== '') identity[key] = v;
  };
  set('subject', 'certificate_identity');
  set('subjectRegExp', 'certificate_identity_regexp');
  set('issuer', 'certificate_oidc_issuer');
  set('issuerRegExp', 'certificate_oidc_issuer_regexp');
  const missing = [
    ...(identity.issuer === undefined && identity.issuerRegExp === undefined ? ['certificate OIDC issuer must be provided for keyless workflow'] : []),
    ...(identity.subject === undefined && identity.subjectRegExp === undefined ? ['certificate identity must be provided for keyless workflow'] : []),
  ];
  if (missing.length > 0) return `new policy: ${missing.join('\n')}`;
  return { kind: 'keyless', identity, ...(deps.pki ? { pki: deps.pki } : {}), ...(deps.ignoreSct ? { ignoreSct: true } : {}) };
}

/** The reference and options checked as ec checks them, in ec's order and words. */
function verifyContext(refText: unknown, opts: unknown, deps: SigstoreDeps): Outcome {
  if (typeof refText !== 'string') return { ok: false, error: `ref parameter: operand 0 must be string but got ${typeName(refText)}` };
  const ref: PinnedReference | undefined = ecDigestReference(refText);
  if (!ref) {
    const why =
      refText.split('@').length === 2
        ? 'a digest must be sha256:<64 hex characters> after a repository'
        : "a digest must contain exactly one '@' separator (e.g. registry/repository@digest)";
    return { ok: false, error: `new digest: ${why} saw: ${refText}` };
  }
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    return { ok: false, error: `opts parameter: opts parameter: operand 1 must be object but got ${typeName(opts)}` };
  }
  const o = opts as Record<string, unknown>;
  const mode = modeFrom(o, deps);
  if (typeof mode === 'string') return { ok: false, error: `opts parameter: ${mode}` };
  const rekorUrl = stringOpt(o, 'rekor_url') || deps.rekorUrl;
  return {
    ok: true,
    ctx: {
      source: deps.sourceFor(ref),
      ref,
      digest: ref.digest,
      mode,
      ...(rekorUrl ? { rekorUrl } : {}),
      ...(deps.trustedRoot ? { trustedRoot: deps.trustedRoot } : {}),
    },
  };
}

/** ec's toSignatureTerm: every field present, Go's zero values for the missing. */
function signatureTerm(s: EntitySignature): Json {
  return { keyid: s.keyid, signature: s.sig, certificate: s.certificate ?? '', chain: s.chain ?? [], metadata: s.metadata ?? {} };
}

function signatureFailure(check: SignatureCheck): string {
  return check.noneFound ? 'no signatures found' : `no matching signatures: ${check.errors.map((e) => e.message).join('\n ')}`;
}

/** cosign's words; with nothing found, nothing follows the colon (as ec v0.9.115 reports it). */
function attestationFailure(check: AttestationCheck): string {
  return `no matching attestations: ${check.errors.map((e) => e.message).join('\n ')}`;
}

export async function verifyImage(refText: unknown, opts: unknown, deps: SigstoreDeps): Promise<Json> {
  const failed = (error: string): Json => ({ success: false, errors: [error], signatures: [] });
  const prepared = verifyContext(refText, opts, deps);
  if (!prepared.ok) return failed(prepared.error);
  try {
    const check = await verifyImageSignatures(prepared.ctx);
    if (!check.ok) return failed(`verify image signature: ${signatureFailure(check)}`);
    return { success: true, errors: [], signatures: check.signatures.map(signatureTerm) };
  } catch (err) {
    return failed(`verify image signature: ${errorMessage(err)}`);
  }
}

export async function verifyAttestation(refText: unknown, opts: unknown, deps: SigstoreDeps): Promise<Json> {
  const failed = (error: string): Json => ({ success: false, errors: [error], attestations: [] });
  const prepared = verifyContext(refText, opts, deps);
  if (!prepared.ok) return failed(prepared.error);
  try {
    const check = await verifyImageAttestations(prepared.ctx);
    if (!check.ok) return failed(`verify image attestation signature: ${attestationFailure(check)}`);
    return {
      success: true,
      errors: [],
      attestations: check.attestations.map((a) => ({ statement: a.statement, signatures: a.signatures.map(signatureTerm) })),
    };
  } catch (err) {
    return failed(`verify image attestation signature: ${errorMessage(err)}`);
  }
}
