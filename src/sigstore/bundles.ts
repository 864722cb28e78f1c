// cosign v3 signatures and attestations: Sigstore bundles attached as OCI 1.1 referrers (or the
// referrers tag schema), verified with @sigstore/verify. A bundle whose statement's predicate is
// https://sigstore.dev/cosign/sign/v1 is an image signature; any other is an attestation.
import { keylessThresholds } from './thresholds.ts';
import { createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import type { VerifierOptions } from '@sigstore/verify';
import type { Descriptor } from '../oci/types.ts';
import type { InTotoStatement } from '../policy/input.ts';
import type { EntitySignature } from '../report/model.ts';
import { certificateMetadata, hasCodeSigningEku, subjectKeyId } from './certificate.ts';
import { decodeStatement } from './claims.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import { rootTrust } from './signer-check.ts';
import type { VerifyContext } from './types.ts';
import { SignatureRejected, verifyBundle } from './verify-entity.ts';

export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const BUNDLE_MEDIA = 'application/vnd.dev.sigstore.bundle';
const BUNDLE_LIMIT = 16 * 1024 * 1024;

type Json = Record<string, unknown>;

export interface BundleCandidate {
  /** The referrer manifest's digest, for messages. */
  digest: string;
  json: Json;
  statement: InTotoStatement;
  isSignature: boolean;
}

const discovered = new WeakMap<VerifyContext, Promise<{ candidates: BundleCandidate[]; errors: string[] }>>();

/** Referrer bundles of the image digest, fetched once per verification context. */
export function bundleCandidates(ctx: VerifyContext): Promise<{ candidates: BundleCandidate[]; errors: string[] }> {
  let p = discovered.get(ctx);
  if (!p) {
    p = discover(ctx);
    discovered.set(ctx, p);
  }
  return p;
}

async function discover(ctx: VerifyContext): Promise<{ candidates: BundleCandidate[]; errors: string[] }> {
  const referrers: Descriptor[] = await ctx.source.referrers(ctx.ref, ctx.digest);
  const candidates: BundleCandidate[] = [];
  const errors: string[] = [];
  for (const r of referrers) {
    if (r.artifactType && !r.artifactType.startsWith(BUNDLE_MEDIA)) continue;
    const fetched = await ctx.source.getManifest(ctx.ref, r.digest);
    if (!fetched || !('layers' in fetched.manifest)) continue;
    const layers = fetched.manifest.layers;
    if (layers.length !== 1 || !layers[0]!.mediaType.startsWith(BUNDLE_MEDIA)) continue;
    try {
      const json = JSON.parse((await ctx.source.getBlob(ctx.ref, layers[0]!, BUNDLE_LIMIT)).toString('utf8')) as Json;
      const envelope = json.dsseEnvelope as { payload?: string; payloadType?: string } | undefined;
      if (!envelope?.payload) continue;
      const statement = decodeStatement(envelope.payload);
      candidates.push({ digest: r.digest, json, statement, isSignature: statement.predicateType === COSIGN_SIGN_PREDICATE });
    } catch (err) {
      errors.push(`bundle ${r.digest}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { candidates, errors };
}

function leafCertificatePem(material: Json): string | undefined {
  const single = (material.certificate as { rawBytes?: string } | undefined)?.rawBytes;
  const chain = (material.x509CertificateChain as { certificates?: { rawBytes?: string }[] } | undefined)?.certificates?.[0]?.rawBytes;
  const raw = single ?? chain;
  if (!raw) return undefined;
  return `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Verifies one bundle in the chosen mode; returns ec's description of its signer. */
export async function verifyBundleSigner(ctx: VerifyContext, candidate: BundleCandidate): Promise<EntitySignature> {
  const json = structuredClone(candidate.json);
  const material = (json.verificationMaterial ?? {}) as Json;
  const entries = (material.tlogEntries as { canonicalizedBody?: string }[] | undefined) ?? [];
  const sig = ((json.dsseEnvelope as { signatures?: { sig?: string; keyid?: string }[] }).signatures ?? [])[0];
  if (!sig?.sig) throw new SignatureRejected('the bundle has no DSSE signature');
  if (ctx.mode.kind === 'key') {
    const key = parsePublicKey(ctx.mode.publicKey);
    const options: VerifierOptions = { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 };
    let trust = keyTrustMaterial(key);
    if (ctx.mode.ignoreTlog) {
      material.tlogEntries = [];
      material.timestampVerificationData = { rfc3161Timestamps: [] };
    } else {
      if (entries.length === 0) throw new SignatureRejected('no transparency log entry in the bundle: pass --ignore-rekor for keys used without Rekor');
      for (const e of entries) if (e.canonicalizedBody) assertRekorBodyNamesSigner(e.canonicalizedBody, key);
      trust = keyTrustMaterial(key, (await rootTrust(ctx, 'the bundle carries a Rekor entry to check')).json);
      options.tlogThreshold = 1;
    }
    verifyBundle(bundleFromJSON(json), undefined, trust, options);
    return { keyid: sig.keyid ?? '', sig: sig.sig };
  }
  const leafPem = leafCertificatePem(material);
  if (!leafPem) throw new SignatureRejected('no signing certificate in the bundle (was it signed with a key? pass --public-key)');
  if (!hasCodeSigningEku(leafPem)) throw new SignatureRejected('the signing certificate is not for code signing (no codeSigning extended key usage)');
  const certKey = createPublicKey(leafPem);
  for (const e of entries) if (e.canonicalizedBody) assertRekorBodyNamesSigner(e.canonicalizedBody, certKey);
  const root = await rootTrust(ctx, 'keyless verification needs the Fulcio CA');
  verifyBundle(bundleFromJSON(json), undefined, root, keylessThresholds(root, { tlogEntries: entries.length, ignoreSct: ctx.mode.kind === 'keyless' && ctx.mode.ignoreSct === true }));
  assertCertificateIdentity(X509Certificate.parse(leafPem), ctx.mode.identity);
  return { keyid: subjectKeyId(leafPem), sig: sig.sig, certificate: leafPem, chain: [], metadata: certificateMetadata(leafPem) };
}
