// Signs an in-toto statement into a DSSE envelope with sigstore-js: with a key (vouch's signer
// behind @sigstore/sign's DSSEBundleBuilder, a Rekor entry when a Rekor is named) or keyless
// (sigstore's attest: a Fulcio certificate for the OIDC token, a Rekor entry). The result holds
// every form vouch stores: the envelope (cosign's `.att` layer and the local file), the Rekor SET
// and certificate as cosign's layer annotations carry them, and a v0.3 Sigstore bundle (the OCI
// 1.1 referrer). Entries are `intoto` as cosign writes them, so cosign finds and checks them.
import { X509Certificate } from 'node:crypto';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, RekorWitness, type Signer } from '@sigstore/sign';
import { attest } from 'sigstore';
import { EnvironmentError, VouchError, errorMessage } from '../errors.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../model/vsa.ts';
import type { DsseEnvelopeJson, RekorBundleAnnotation } from './legacy-bundle.ts';
import type { SigningKey } from './sign-key.ts';
import './sign-errors.ts';

export type VsaSigner = { kind: 'key'; key: SigningKey; rekorUrl?: string } | { kind: 'keyless'; token: string; fulcioUrl: string; rekorUrl: string };

export interface SignedStatement {
  envelope: DsseEnvelopeJson;
  /** A v0.3 Sigstore bundle of the same signature. */
  bundle: SerializedBundle;
  /** Keyless: the Fulcio certificate (PEM) and the chain above it (PEM, leaf excluded). */
  certificatePem?: string;
  chainPem?: string;
  /** The Rekor entry as cosign's `dev.sigstore.cosign/bundle` annotation holds it. */
  rekor?: RekorBundleAnnotation;
}

const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const TIMEOUT_MS = 30_000;

const pem = (derB64: string): string => new X509Certificate(Buffer.from(derB64, 'base64')).toString();

function keySigner(key: SigningKey): Signer {
  return { sign: (data) => Promise.resolve({ signature: key.sign(data), key: { $case: 'publicKey', publicKey: key.publicKeyPem, hint: '' } }) };
}

async function signedBundle(payload: Buffer, signer: VsaSigner): Promise<SerializedBundle> {
  if (signer.kind === 'key') {
    const witnesses = signer.rekorUrl
      ? [new RekorWitness({ rekorBaseURL: signer.rekorUrl, entryType: 'intoto', fetchOnConflict: false, timeout: TIMEOUT_MS })]
      : [];
    const builder = new DSSEBundleBuilder({ signer: keySigner(signer.key), witnesses });
    return bundleToJSON(await builder.create({ data: payload, type: IN_TOTO_PAYLOAD_TYPE }));
  }
  return attest(payload, IN_TOTO_PAYLOAD_TYPE, {
    fulcioURL: signer.fulcioUrl,
    rekorURL: signer.rekorUrl,
    identityToken: signer.token,
    tlogUpload: true,
    // intoto entries and the certificate chain: what cosign's legacy layout carries.
    legacyCompatibility: true,
    timeout: TIMEOUT_MS,
  });
}

function rekorAnnotation(bundle: SerializedBundle): RekorBundleAnnotation | undefined {
  const entry = (bundle.verificationMaterial.tlogEntries as SerializedBundle['verificationMaterial']['tlogEntries'] | undefined)?.[0];
  if (!entry?.inclusionPromise) return undefined;
  return {
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  };
}

/** The same signature as a v0.3 bundle: the leaf certificate alone (the trust root holds the chain). */
function asV03(bundle: SerializedBundle, leafDer: string | undefined): SerializedBundle {
  const { tlogEntries = [], timestampVerificationData = { rfc3161Timestamps: [] } } = bundle.verificationMaterial as Partial<
    SerializedBundle['verificationMaterial']
  >;
  const material = leafDer ? { certificate: { rawBytes: leafDer } } : { publicKey: { hint: '' } };
  return { ...bundle, mediaType: V03, verificationMaterial: { ...material, tlogEntries, timestampVerificationData } } as SerializedBundle;
}

/** Signs the statement's bytes; a service that refuses (Fulcio, Rekor) is an environment error naming it. */
export async function signStatement(payload: Buffer, signer: VsaSigner): Promise<SignedStatement> {
  let bundle: SerializedBundle;
  try {
    bundle = await signedBundle(payload, signer);
  } catch (err) {
    if (err instanceof VouchError) throw err;
    const where = signer.kind === 'key' ? `Rekor at ${signer.rekorUrl ?? '(none)'}` : `Fulcio at ${signer.fulcioUrl} or Rekor at ${signer.rekorUrl}`;
    throw new EnvironmentError('VSA_SIGNING_FAILED', `signing the VSA failed (${where}): ${errorMessage(err)}`, { value: where, cause: err });
  }
  if (!bundle.dsseEnvelope) throw new EnvironmentError('VSA_SIGNING_FAILED', 'sigstore-js returned a bundle without a DSSE envelope');
  const material = bundle.verificationMaterial;
  const chain = material.x509CertificateChain?.certificates.map((c) => c.rawBytes) ?? (material.certificate ? [material.certificate.rawBytes] : []);
  const rekor = rekorAnnotation(bundle);
  return {
    envelope: bundle.dsseEnvelope,
    bundle: asV03(bundle, chain[0]),
    ...(chain[0] ? { certificatePem: pem(chain[0]) } : {}),
    ...(chain.length > 1 ? { chainPem: chain.slice(1).map(pem).join('') } : {}),
    ...(rekor ? { rekor } : {}),
  };
}
