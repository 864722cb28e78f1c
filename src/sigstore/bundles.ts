// cosign v3 signatures and attestations: Sigstore bundles attached as OCI 1.1 referrers (or the
// referrers tag schema), verified with @sigstore/verify. A bundle whose statement's predicate is
// https://sigstore.dev/cosign/sign/v1 is an image signature; any other is an attestation.
import { dsse } from '@sigstore/core';
import type { Bundle } from '@sigstore/bundle';
import type { VerifierOptions } from '@sigstore/verify';
import type { Descriptor } from '../oci/types.ts';
import type { InTotoStatement } from '../model/statement.ts';
import type { EntitySignature } from '../model/signature.ts';
import { rejection } from './candidates.ts';
import { assertCodeSigning, certificateSigner } from './certificate.ts';
import { decodeStatement } from './claims.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { verifyWithOrganisationCa } from './pki-chain.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import { rootTrust } from './signer-check.ts';
import { parseBundle, type ParsedBundle } from './signing-material.ts';
import { keylessThresholds } from './thresholds.ts';
import type { Rejection, SignerContext, VerifyContext } from './types.ts';
import { verifyBundle } from './verify-entity.ts';
import { SignatureRejected } from './errors.ts';

const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const BUNDLE_MEDIA = 'application/vnd.dev.sigstore.bundle';
const BUNDLE_LIMIT = 16 * 1024 * 1024;

const IN_TOTO = 'application/vnd.in-toto+json';

export interface BundleCandidate {
  /** The referrer manifest's digest, for messages. */
  digest: string;
  parsed: ParsedBundle;
  statement: InTotoStatement;
  isSignature: boolean;
}

const discovered = new WeakMap<VerifyContext, Promise<{ candidates: BundleCandidate[]; errors: Rejection[] }>>();

/** Referrer bundles of the image digest, fetched once per verification context. */
export function bundleCandidates(ctx: VerifyContext): Promise<{ candidates: BundleCandidate[]; errors: Rejection[] }> {
  let p = discovered.get(ctx);
  if (!p) {
    p = discover(ctx);
    discovered.set(ctx, p);
  }
  return p;
}

async function discover(ctx: VerifyContext): Promise<{ candidates: BundleCandidate[]; errors: Rejection[] }> {
  const referrers: Descriptor[] = await ctx.source.referrers(ctx.ref, ctx.digest);
  const candidates: BundleCandidate[] = [];
  const errors: Rejection[] = [];
  for (const r of referrers) {
    if (r.artifactType && !r.artifactType.startsWith(BUNDLE_MEDIA)) continue;
    const fetched = await ctx.source.getManifest(ctx.ref, r.digest);
    if (!fetched || !('layers' in fetched.manifest)) continue;
    const layers = fetched.manifest.layers;
    if (layers.length !== 1 || !layers[0]!.mediaType.startsWith(BUNDLE_MEDIA)) continue;
    try {
      const parsed = parseBundle(await ctx.source.getBlob(ctx.ref, layers[0]!, BUNDLE_LIMIT));
      const content = parsed.bundle.content;
      if (content.$case !== 'dsseEnvelope')
        throw new SignatureRejected('PAYLOAD_TYPE', 'the bundle signs no DSSE envelope (cosign signs images and attestations with in-toto statements)');
      if (content.dsseEnvelope.payloadType !== IN_TOTO)
        throw new SignatureRejected('PAYLOAD_TYPE', `DSSE payload type ${content.dsseEnvelope.payloadType} is not ${IN_TOTO}`);
      const statement = decodeStatement(content.dsseEnvelope.payload);
      candidates.push({ digest: r.digest, parsed, statement, isSignature: statement.predicateType === COSIGN_SIGN_PREDICATE });
    } catch (err) {
      // A bundle that cannot be read is a rejected candidate of both checks (its kind is unknown);
      // a registry that failed is not a verdict.
      errors.push(rejection(err, `bundle ${r.digest}`));
    }
  }
  return { candidates, errors };
}

/** The same signature without transparency log entries or timestamps (not checked in this mode). */
function withoutLogs(bundle: Bundle): Bundle {
  return { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } } };
}

/** The same signature with a bare key hint instead of its certificate, for a key checked by us. */
function keyOnly(bundle: Bundle): Bundle {
  const stripped = withoutLogs(bundle);
  return { ...stripped, verificationMaterial: { ...stripped.verificationMaterial, content: { $case: 'publicKey', publicKey: { hint: '' } } } };
}

/** Verifies one bundle in the chosen mode; returns ec's description of its signer. */
export async function verifyBundleSigner(ctx: SignerContext, candidate: BundleCandidate): Promise<EntitySignature> {
  const { bundle, material } = candidate.parsed;
  if (bundle.content.$case !== 'dsseEnvelope') throw new SignatureRejected('PAYLOAD_TYPE', 'the bundle signs no DSSE envelope');
  const envelope = bundle.content.dsseEnvelope;
  const sig = envelope.signatures[0]!;
  const sigB64 = sig.sig.toString('base64');
  const entries = bundle.verificationMaterial.tlogEntries;
  if (ctx.mode.kind === 'key') {
    if (material.kind !== 'publicKey')
      throw new SignatureRejected(
        'SIGNER_KIND_MISMATCH',
        'the bundle was signed with a certificate (keyless), not a key: verify it with --certificate-identity and --certificate-oidc-issuer',
      );
    const key = parsePublicKey(ctx.mode.publicKey);
    if (ctx.mode.ignoreTlog) {
      verifyBundle(withoutLogs(bundle), undefined, keyTrustMaterial(key), { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 }, { key });
    } else {
      if (entries.length === 0)
        throw new SignatureRejected('TLOG_ENTRY_MISSING', 'no transparency log entry in the bundle: pass --ignore-rekor for keys used without Rekor');
      for (const e of entries) assertRekorBodyNamesSigner(e.canonicalizedBody.toString('base64'), key);
      const trust = keyTrustMaterial(key, (await rootTrust(ctx, 'the bundle carries a Rekor entry to check')).json);
      const options: VerifierOptions = { tlogThreshold: 1, timestampThreshold: 0, ctlogThreshold: 0 };
      verifyBundle(bundle, undefined, trust, options, { key });
    }
    return { keyid: sig.keyid, sig: sigB64 };
  }
  if (material.kind !== 'certificate')
    throw new SignatureRejected('CERTIFICATE_MISSING', 'no signing certificate in the bundle (was it signed with a key? pass --public-key)');
  const cert = material.certificate;
  assertCodeSigning(cert);
  if (ctx.mode.pki) {
    // An organisation CA replaces the Sigstore trust root for bundles as for legacy layers.
    verifyWithOrganisationCa(cert, ctx.mode.pki, {
      keyOnly: keyOnly(bundle),
      signedBytes: dsse.preAuthEncoding(envelope.payloadType, envelope.payload),
      sig: sigB64,
    });
  } else {
    for (const e of entries) assertRekorBodyNamesSigner(e.canonicalizedBody.toString('base64'), cert.key);
    const root = await rootTrust(ctx, 'keyless verification needs the Fulcio CA');
    verifyBundle(bundle, undefined, root, keylessThresholds(root, { tlogEntries: entries.length, ignoreSct: ctx.mode.ignoreSct === true }), cert);
  }
  assertCertificateIdentity(cert.x509, ctx.mode.identity);
  return certificateSigner(cert, sigB64, material.chain);
}
