// A Sigstore bundle verified against an artifact (or its sha256 digest), outside any registry: the
// sigstore-conformance verification protocol, and `vouch verify-bundle`. Every cryptographic check
// is @sigstore/verify's; identity, subject and Rekor-signer binding are ours, as for images.
import { createHash, createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { IdentityConfig } from '../config/types.ts';
import { decodeStatement } from './claims.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import { assertTrustedRootComplete } from './trust-root.ts';
import { SignatureRejected, verifyBundle } from './verify-entity.ts';

export type ArtifactInput = { bytes: Buffer } | { sha256: string };

export interface ArtifactVerification {
  bundle: unknown;
  artifact: ArtifactInput;
  trustedRoot: unknown;
  /** Key mode (PEM) or identity mode. */
  publicKey?: string;
  identity?: IdentityConfig;
}

type Json = Record<string, unknown>;

function leafPem(material: Json): string | undefined {
  const raw =
    (material.certificate as { rawBytes?: string } | undefined)?.rawBytes ??
    (material.x509CertificateChain as { certificates?: { rawBytes?: string }[] } | undefined)?.certificates?.[0]?.rawBytes;
  return raw ? `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n` : undefined;
}

/** Throws SignatureRejected (or a bundle validation error) unless the bundle verifies. */
export function verifyArtifactBundle(v: ArtifactVerification): void {
  assertTrustedRootComplete(v.trustedRoot, 'trusted root');
  const json = v.bundle as Json;
  const bundle = bundleFromJSON(json);
  const material = (json.verificationMaterial ?? {}) as Json;
  const entries = (material.tlogEntries as { canonicalizedBody?: string }[] | undefined) ?? [];
  const digest = 'bytes' in v.artifact ? createHash('sha256').update(v.artifact.bytes).digest('hex') : v.artifact.sha256.replace(/^sha256:/, '');

  // What is signed must be this artifact.
  const envelope = json.dsseEnvelope as { payload?: string } | undefined;
  if (envelope?.payload) {
    const statement = decodeStatement(envelope.payload);
    if (!statement.subject.some((s) => s?.digest?.sha256 === digest)) throw new SignatureRejected('no subject of the statement has the artifact digest');
  } else {
    const md = (json.messageSignature as { messageDigest?: { digest?: string } } | undefined)?.messageDigest?.digest;
    if (!md || Buffer.from(md, 'base64').toString('hex') !== digest) throw new SignatureRejected('the message digest is not the artifact digest');
    if (!('bytes' in v.artifact)) throw new SignatureRejected('verifying a message signature from a digest needs pre-hashed ECDSA, which Node cannot do; pass the artifact');
  }
  const artifact = 'bytes' in v.artifact && !envelope?.payload ? v.artifact.bytes : undefined;

  if (v.publicKey) {
    const key = parsePublicKey(v.publicKey);
    for (const e of entries) if (e.canonicalizedBody) assertRekorBodyNamesSigner(e.canonicalizedBody, key);
    verifyBundle(bundle, artifact, keyTrustMaterial(key, v.trustedRoot), { tlogThreshold: entries.length > 0 ? 1 : 0, ctlogThreshold: 0, timestampThreshold: 1 });
    return;
  }
  const pem = leafPem(material);
  if (!pem) throw new SignatureRejected('the bundle has no signing certificate');
  for (const e of entries) if (e.canonicalizedBody) assertRekorBodyNamesSigner(e.canonicalizedBody, createPublicKey(pem));
  const trust = toTrustMaterial(TrustedRoot.fromJSON(v.trustedRoot));
  verifyBundle(bundle, artifact, trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  assertCertificateIdentity(X509Certificate.parse(pem), v.identity ?? {});
}
