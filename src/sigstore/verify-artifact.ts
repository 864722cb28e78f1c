// A Sigstore bundle verified against an artifact (or its sha256 digest), outside any registry: the
// sigstore-conformance verification protocol, and `vouch verify-bundle`. Every cryptographic check
// is @sigstore/verify's; identity, subject and Rekor-signer binding are ours, as for images, all on
// the one signing certificate (or key) that signing-material.ts reads from the bundle.
import { createHash } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { IdentityConfig } from '../config/types.ts';
import { decodeStatement } from './claims.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import { parseBundle } from './signing-material.ts';
import { assertTrustedRootComplete } from './trust-root.ts';
import { verifyBundle } from './verify-entity.ts';
import { SignatureRejected } from './errors.ts';
import { subjectSha256 } from '../model/statement.ts';

type ArtifactInput = { bytes: Buffer } | { sha256: string };

export interface ArtifactVerification {
  /** The bundle file's bytes (read as strict JSON). */
  bundle: Buffer | string;
  artifact: ArtifactInput;
  trustedRoot: unknown;
  /** Key mode (PEM) or identity mode. */
  publicKey?: string;
  identity?: IdentityConfig;
}

/** Throws SignatureRejected (or MalformedSignatureError) unless the bundle verifies. */
export function verifyArtifactBundle(v: ArtifactVerification): void {
  assertTrustedRootComplete(v.trustedRoot, 'trusted root');
  const { bundle, material } = parseBundle(v.bundle);
  const entries = bundle.verificationMaterial.tlogEntries;
  const digest = 'bytes' in v.artifact ? createHash('sha256').update(v.artifact.bytes).digest('hex') : v.artifact.sha256.replace(/^sha256:/, '');

  // What is signed must be this artifact.
  let artifact: Buffer | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const statement = decodeStatement(bundle.content.dsseEnvelope.payload);
    if (!statement.subject.some((s) => subjectSha256(s) === digest))
      throw new SignatureRejected('SUBJECT_MISMATCH', 'no subject of the statement has the artifact digest');
  } else {
    if (bundle.content.messageSignature.messageDigest.digest.toString('hex') !== digest)
      throw new SignatureRejected('SUBJECT_MISMATCH', 'the message digest is not the artifact digest');
    if (!('bytes' in v.artifact))
      throw new SignatureRejected(
        'UNSUPPORTED_SIGNATURE',
        'verifying a message signature from a digest needs pre-hashed ECDSA, which Node cannot do; pass the artifact',
      );
    artifact = v.artifact.bytes;
  }

  if (v.publicKey) {
    if (material.kind !== 'publicKey')
      throw new SignatureRejected('SIGNER_KIND_MISMATCH', 'the bundle was signed with a certificate, not a key: verify it with an identity');
    const key = parsePublicKey(v.publicKey);
    for (const e of entries) assertRekorBodyNamesSigner(e.canonicalizedBody.toString('base64'), key);
    verifyBundle(
      bundle,
      artifact,
      keyTrustMaterial(key, v.trustedRoot),
      { tlogThreshold: entries.length > 0 ? 1 : 0, ctlogThreshold: 0, timestampThreshold: 1 },
      { key },
    );
    return;
  }
  if (material.kind !== 'certificate') throw new SignatureRejected('CERTIFICATE_MISSING', 'the bundle has no signing certificate');
  const cert = material.certificate;
  for (const e of entries) assertRekorBodyNamesSigner(e.canonicalizedBody.toString('base64'), cert.key);
  const trust = toTrustMaterial(TrustedRoot.fromJSON(v.trustedRoot));
  verifyBundle(bundle, artifact, trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }, cert);
  assertCertificateIdentity(cert.x509, v.identity ?? {});
}
