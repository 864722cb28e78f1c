// Public keys for key-based verification, and the trust material that hands them to @sigstore/verify.
import { createHash, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { publicKeyFromPem } from '../config/public-key.ts';

/** Keys already parsed, by PEM text: a run verifies three signatures per component with one key. */
const parsedKeys = new Map<string, KeyObject>();
const PARSED_KEYS_KEPT = 16;

/** The key of a PEM public key (exactly one block); InputError otherwise. */
export function parsePublicKey(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = publicKeyFromPem(pem, 'the public key');
    if (parsedKeys.size >= PARSED_KEYS_KEPT) parsedKeys.clear();
    parsedKeys.set(pem, key);
  }
  return key;
}

const EMPTY_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

/**
 * Trust material for key mode: the given key answers every key hint (cosign's --key ignores hints).
 * `root` adds transparency logs (for SETs) when Rekor is checked.
 */
export function keyTrustMaterial(key: KeyObject, root: unknown = EMPTY_ROOT): TrustMaterial {
  return toTrustMaterial(TrustedRoot.fromJSON(root), () => ({ publicKey: key, validFor: () => true }));
}

/** Fingerprints already taken, by parsed key: a re-run names the VSA signer once per component. */
const fingerprints = new WeakMap<KeyObject, string>();

/** `sha256:<hex>` of the key's SubjectPublicKeyInfo (DER): names a key in reports without printing it. */
export function keyFingerprint(pem: string): string {
  const key = parsePublicKey(pem);
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    fingerprint = `sha256:${createHash('sha256')
      .update(key.export({ type: 'spki', format: 'der' }))
      .digest('hex')}`;
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}
