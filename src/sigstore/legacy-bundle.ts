// Legacy cosign layers (`.sig` simple signing, `.att` DSSE) expressed as v0.1 Sigstore bundles, so
// @sigstore/verify does every cryptographic check with the mapping of
// sigstore/sigstore-go 4594ab4c779d examples/oci-image-verification/main.go. Pure.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { errorMessage } from '../errors.ts';
import { MalformedSignatureError } from './errors.ts';
import { parseStrictJson } from '../util/strict-json.ts';

/** The `dev.sigstore.cosign/bundle` annotation: a Rekor SET and the entry it covers. */
export interface RekorBundleAnnotation {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

/** Strict JSON (no duplicate keys) of a signature's part, or a MalformedSignatureError naming it. */
function signedJson(text: string, what: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (err) {
    throw new MalformedSignatureError(`${what}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * base64 as cosign writes it (standard alphabet, padded). Node's decoder skips characters it does
 * not know, so `MEU\u0003C…` would verify as `MEUC…` while the report shows the first.
 */
export function strictBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (text === '' || bytes.toString('base64') !== text) throw new MalformedSignatureError(`${what} is not base64`);
  return bytes;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseRekorBundle(text: string): RekorBundleAnnotation {
  const p = record(signedJson(text, 'the Rekor bundle annotation'));
  const payload = record(p?.Payload);
  if (
    typeof p?.SignedEntryTimestamp !== 'string' ||
    !payload ||
    typeof payload.body !== 'string' ||
    !isCount(payload.integratedTime) ||
    !isCount(payload.logIndex) ||
    typeof payload.logID !== 'string' ||
    !/^(?:[0-9a-f]{2})+$/i.test(payload.logID)
  ) {
    throw new MalformedSignatureError(
      'the Rekor bundle annotation lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex (non-negative integers), logID (hex)}',
    );
  }
  strictBase64(p.SignedEntryTimestamp, "the Rekor bundle annotation's SignedEntryTimestamp");
  strictBase64(payload.body, "the Rekor bundle annotation's body");
  return p as unknown as RekorBundleAnnotation;
}

/** The `dev.sigstore.cosign/rfc3161timestamp` annotation: `{"SignedRFC3161Timestamp": "<base64 DER>"}`. */
export function parseRfc3161Annotation(text: string): string {
  const ts = record(signedJson(text, 'the RFC 3161 timestamp annotation'))?.SignedRFC3161Timestamp;
  if (typeof ts !== 'string') throw new MalformedSignatureError('the RFC 3161 timestamp annotation has no SignedRFC3161Timestamp');
  strictBase64(ts, 'the RFC 3161 timestamp');
  return ts;
}

/** The kind and apiVersion of a Rekor entry body. */
export function rekorBodyKind(bodyB64: string): { kind: string; version: string; body: Record<string, unknown> } {
  const body = record(signedJson(Buffer.from(bodyB64, 'base64').toString('utf8'), 'the Rekor entry body'));
  if (typeof body?.kind !== 'string' || typeof body.apiVersion !== 'string') throw new MalformedSignatureError('the Rekor entry body has no kind/apiVersion');
  return { kind: body.kind, version: body.apiVersion, body };
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

/**
 * A legacy `.att` layer's DSSE envelope. Exactly one signature: cosign writes one, and with several
 * the one verified and the one reported could differ.
 */
export function parseEnvelope(blob: Buffer): DsseEnvelopeJson {
  const e = record(signedJson(blob.toString('utf8'), 'the DSSE envelope'));
  if (typeof e?.payload !== 'string' || typeof e.payloadType !== 'string' || !Array.isArray(e.signatures) || e.signatures.length === 0) {
    throw new MalformedSignatureError('the DSSE envelope lacks payload, payloadType or signatures');
  }
  if (e.signatures.length > 1)
    throw new MalformedSignatureError(`the DSSE envelope has ${e.signatures.length} signatures; vouch verifies envelopes with exactly one`);
  const sig = record(e.signatures[0]);
  if (typeof sig?.sig !== 'string' || sig.sig === '') throw new MalformedSignatureError('the DSSE signature has no "sig"');
  strictBase64(sig.sig, 'the DSSE signature');
  strictBase64(e.payload, 'the DSSE payload');
  if (sig.keyid !== undefined && typeof sig.keyid !== 'string') throw new MalformedSignatureError('the DSSE signature\'s "keyid" is not a string');
  return e as unknown as DsseEnvelopeJson;
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
