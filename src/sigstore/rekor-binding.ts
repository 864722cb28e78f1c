// The check sigstore-js leaves out (cosign does it, cf. GHSA-whqx-f9j3-ch6m): the Rekor entry must
// name the same signer key or certificate as the signature being verified. Pure.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { rekorBodyKind } from './legacy-bundle.ts';
import { SignatureRejected } from './errors.ts';

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** Rekor v2 (protobuf JSON) verifiers: `{x509Certificate: {rawBytes}}` or `{publicKey: {rawBytes}}`, DER. */
function keyFromVerifierV2(verifier: unknown): KeyObject | undefined {
  const cert = get(verifier, 'x509Certificate', 'rawBytes');
  const key = get(verifier, 'publicKey', 'rawBytes');
  try {
    if (typeof cert === 'string') return new X509Certificate(Buffer.from(cert, 'base64')).publicKey;
    if (typeof key === 'string') return createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  return undefined;
}

/** The public key a Rekor v1 body names (PEM key or PEM certificate, base64 of the PEM). */
function keyFromBody(pemB64: unknown): KeyObject | undefined {
  if (typeof pemB64 !== 'string') return undefined;
  const pem = Buffer.from(pemB64, 'base64').toString('utf8');
  try {
    if (pem.includes('CERTIFICATE')) return new X509Certificate(pem).publicKey;
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

function get(obj: unknown, ...path: (string | number)[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** Throws unless the entry body's key is the signer's key. */
export function assertRekorBodyNamesSigner(bodyB64: string, signer: KeyObject): void {
  const { kind, version, body } = rekorBodyKind(bodyB64);
  let key: KeyObject | undefined;
  if (version === '0.0.2' && kind === 'hashedrekord') key = keyFromVerifierV2(get(body, 'spec', 'hashedRekordV002', 'signature', 'verifier'));
  else if (version === '0.0.2' && kind === 'dsse') key = keyFromVerifierV2(get(body, 'spec', 'dsseV002', 'signatures', 0, 'verifier'));
  else if (kind === 'hashedrekord' || kind === 'rekord') key = keyFromBody(get(body, 'spec', 'signature', 'publicKey', 'content'));
  else if (kind === 'dsse') key = keyFromBody(get(body, 'spec', 'signatures', 0, 'verifier'));
  else if (kind === 'intoto')
    key = keyFromBody(version === '0.0.1' ? get(body, 'spec', 'publicKey') : get(body, 'spec', 'content', 'envelope', 'signatures', 0, 'publicKey'));
  if (!key) throw new SignatureRejected('REKOR_SIGNER_MISMATCH', `the Rekor ${kind} ${version} entry names no signer key`);
  if (!spki(key).equals(spki(signer))) {
    throw new SignatureRejected('REKOR_SIGNER_MISMATCH', `the Rekor ${kind} entry was made by another key or certificate than this signature's`);
  }
}
