// The check sigstore-js leaves out (cosign does it, cf. GHSA-whqx-f9j3-ch6m): the Rekor entry must
// name the same signer key or certificate as the signature being verified. Pure.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { rekorBodyKind } from './legacy-bundle.ts';
import { SignatureRejected } from './verify-entity.ts';

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** The public key a Rekor body names (PEM key or PEM certificate, base64 of the PEM). */
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
  let named: unknown;
  if (kind === 'hashedrekord' || kind === 'rekord') named = get(body, 'spec', 'signature', 'publicKey', 'content');
  else if (kind === 'dsse') named = get(body, 'spec', 'signatures', 0, 'verifier');
  else if (kind === 'intoto') named = version === '0.0.1' ? get(body, 'spec', 'publicKey') : get(body, 'spec', 'content', 'envelope', 'signatures', 0, 'publicKey');
  const key = keyFromBody(named);
  if (!key) throw new SignatureRejected(`the Rekor ${kind} ${version} entry names no signer key`);
  if (!spki(key).equals(spki(signer))) {
    throw new SignatureRejected(`the Rekor ${kind} entry was made by another key or certificate than this signature's`);
  }
}
