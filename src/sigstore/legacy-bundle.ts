// Legacy cosign layers (`.sig` simple signing, `.att` DSSE) expressed as v0.1 Sigstore bundles, so
// @sigstore/verify does every cryptographic check (sigstore.md §5.6). Pure.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { InputError } from '../errors.ts';

/** The `dev.sigstore.cosign/bundle` annotation: a Rekor SET and the entry it covers. */
export interface RekorBundleAnnotation {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

export class MalformedSignatureError extends InputError {
  constructor(message: string, value?: unknown) {
    super('MALFORMED_SIGNATURE', message, { value });
    this.name = 'MalformedSignatureError';
  }
}

export function parseRekorBundle(text: string): RekorBundleAnnotation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedSignatureError('the Rekor bundle annotation is not JSON');
  }
  const p = parsed as Partial<RekorBundleAnnotation>;
  const payload = p.Payload;
  if (
    typeof p.SignedEntryTimestamp !== 'string' ||
    !payload ||
    typeof payload.body !== 'string' ||
    typeof payload.integratedTime !== 'number' ||
    typeof payload.logIndex !== 'number' ||
    typeof payload.logID !== 'string'
  ) {
    throw new MalformedSignatureError('the Rekor bundle annotation lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex, logID}');
  }
  return p as RekorBundleAnnotation;
}

/** The kind and apiVersion of a Rekor entry body. */
export function rekorBodyKind(bodyB64: string): { kind: string; version: string; body: Record<string, unknown> } {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bodyB64, 'base64').toString('utf8'));
  } catch {
    throw new MalformedSignatureError('the Rekor entry body is not base64 JSON');
  }
  const b = body as { kind?: unknown; apiVersion?: unknown };
  if (typeof b.kind !== 'string' || typeof b.apiVersion !== 'string') throw new MalformedSignatureError('the Rekor entry body has no kind/apiVersion');
  return { kind: b.kind, version: b.apiVersion, body: body as Record<string, unknown> };
}

function tlogEntry(rekor: RekorBundleAnnotation): Record<string, unknown> {
  const { kind, version } = rekorBodyKind(rekor.Payload.body);
  return {
    logIndex: String(rekor.Payload.logIndex),
    logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
    kindVersion: { kind, version },
    integratedTime: String(rekor.Payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
    canonicalizedBody: rekor.Payload.body,
  };
}

export interface VerificationMaterialInput {
  /** DER of the signing certificate (keyless / PKI); absent in key mode. */
  certificateDer?: Buffer;
  rekor?: RekorBundleAnnotation;
  /** base64 DER TimeStampResp from `dev.sigstore.cosign/rfc3161timestamp`. */
  rfc3161?: string;
}

function verificationMaterial(input: VerificationMaterialInput): Record<string, unknown> {
  return {
    ...(input.certificateDer
      ? { x509CertificateChain: { certificates: [{ rawBytes: input.certificateDer.toString('base64') }] } }
      : { publicKey: { hint: '' } }),
    tlogEntries: input.rekor ? [tlogEntry(input.rekor)] : [],
    timestampVerificationData: { rfc3161Timestamps: input.rfc3161 ? [{ signedTimestamp: input.rfc3161 }] : [] },
  };
}

const V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/** A `.sig` layer: message signature over the simple-signing payload (digest = the layer digest). */
export function messageSignatureBundle(signatureB64: string, payloadSha256: Buffer, input: VerificationMaterialInput): Bundle {
  return bundleFromJSON({
    mediaType: V01,
    verificationMaterial: verificationMaterial(input),
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: payloadSha256.toString('base64') }, signature: signatureB64 },
  });
}

export interface DsseEnvelopeJson {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid?: string }[];
}

export function parseEnvelope(blob: Buffer): DsseEnvelopeJson {
  let env: unknown;
  try {
    env = JSON.parse(blob.toString('utf8'));
  } catch {
    throw new MalformedSignatureError('the attestation layer is not a JSON DSSE envelope');
  }
  const e = env as Partial<DsseEnvelopeJson>;
  if (typeof e.payload !== 'string' || typeof e.payloadType !== 'string' || !Array.isArray(e.signatures) || e.signatures.length === 0) {
    throw new MalformedSignatureError('the DSSE envelope lacks payload, payloadType or signatures');
  }
  for (const s of e.signatures) {
    if (typeof s?.sig !== 'string') throw new MalformedSignatureError('a DSSE signature has no "sig"');
  }
  return e as DsseEnvelopeJson;
}

/** A `.att` layer: the DSSE envelope itself (one signature: the one sigstore-js verifies). */
export function dsseBundle(envelope: DsseEnvelopeJson, input: VerificationMaterialInput): Bundle {
  const sig = envelope.signatures[0]!;
  return bundleFromJSON({
    mediaType: V01,
    verificationMaterial: verificationMaterial(input),
    dsseEnvelope: { payload: envelope.payload, payloadType: envelope.payloadType, signatures: [{ sig: sig.sig, keyid: sig.keyid ?? '' }] },
  });
}
