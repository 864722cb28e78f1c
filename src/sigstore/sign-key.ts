// A VSA signing key: PEM PKCS#8 (or SEC1/PKCS#1), unencrypted or encrypted PKCS#8 opened with the
// password from COSIGN_PASSWORD, all by Node's crypto. cosign's own encrypted format ("ENCRYPTED
// SIGSTORE PRIVATE KEY": scrypt + NaCl secretbox, sigstore/cosign d6d86c224e58
// pkg/cosign/keys.go) needs crypto Node does not have, and vouch adds no dependency for it: such
// a key is refused with the way to make a usable one (docs/compatibility.md).
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import './sign-errors.ts';

export interface SigningKey {
  /** Signs bytes as cosign does for this key type (ECDSA DER over the curve's hash, RSA PKCS#1 v1.5 SHA-256, Ed25519). */
  sign(data: Buffer): Buffer;
  /** SPKI PEM of the public half: what `cosign verify-attestation --key` is given. */
  publicKeyPem: string;
}

const KEY_LIMIT = 64 * 1024;
const COSIGN_LABELS = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'];
const PLAIN_LABELS = ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'];
const ENCRYPTED_LABEL = 'ENCRYPTED PRIVATE KEY';
const HOW_TO =
  'make a PEM PKCS#8 key vouch and cosign both read: `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out vsa.key` ' +
  '(add `-aes-256-cbc` to encrypt it with the password you then give in COSIGN_PASSWORD), its public key with `openssl pkey -in vsa.key -pubout -out vsa.pub`, ' +
  'and `cosign import-key-pair --key vsa.key` if cosign should sign with the same key';

/** The hash cosign signs with for this key (sigstore/sigstore pkg/signature LoadSignerVerifier defaults). */
function hashFor(key: KeyObject, origin: string): string | null {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const hash = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[details?.namedCurve ?? ''];
      if (hash) return hash;
      throw new InputError(
        'VSA_KEY_UNSUPPORTED',
        `${origin}: elliptic curve ${details?.namedCurve ?? '(unknown)'} is not one cosign verifies (P-256, P-384, P-521)`,
        { value: origin },
      );
    }
    case 'rsa':
      if ((details?.modulusLength ?? 0) < 2048) throw new InputError('VSA_KEY_UNSUPPORTED', `${origin}: an RSA key under 2048 bits`, { value: origin });
      return 'sha256';
    case 'ed25519':
      return null;
    default:
      throw new InputError('VSA_KEY_UNSUPPORTED', `${origin}: a ${key.asymmetricKeyType ?? 'unknown'} key; use ECDSA (P-256/384/521), RSA or Ed25519`, {
        value: origin,
      });
  }
}

function pemLabel(text: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
}

/** Opens the key text; the password is never part of an error message. */
export function parseSigningKey(text: string, password: string | undefined, origin: string): SigningKey {
  const label = pemLabel(text);
  if (label && COSIGN_LABELS.includes(label)) {
    throw new InputError('VSA_KEY_COSIGN_FORMAT', `${origin} is a cosign-encrypted key (${label}), which vouch cannot open: ${HOW_TO}`, { value: origin });
  }
  let key: KeyObject;
  if (label === ENCRYPTED_LABEL) {
    if (password === undefined || password === '') {
      throw new InputError('VSA_KEY_PASSWORD', `${origin} is encrypted: set COSIGN_PASSWORD to its password`, { value: origin });
    }
    try {
      key = createPrivateKey({ key: text, format: 'pem', passphrase: password });
    } catch {
      throw new InputError('VSA_KEY_PASSWORD', `${origin} could not be decrypted with the password in COSIGN_PASSWORD (a wrong password, or a damaged key)`, {
        value: origin,
      });
    }
  } else if (label && PLAIN_LABELS.includes(label)) {
    try {
      key = createPrivateKey({ key: text, format: 'pem' });
    } catch {
      throw new InputError('VSA_KEY_INVALID', `${origin}: the ${label} block is not a valid key`, { value: origin });
    }
  } else {
    throw new InputError('VSA_KEY_INVALID', `${origin} holds no PEM private key${label ? ` (found ${label})` : ''}: ${HOW_TO}`, { value: origin });
  }
  const hash = hashFor(key, origin);
  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return { sign: (data) => sign(hash, data, key), publicKeyPem };
}

export async function loadSigningKey(file: string, password: string | undefined, flag: string): Promise<SigningKey> {
  const origin = `${flag} ${file}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new InputError('VSA_KEY_INVALID', `${origin} ${why}`, { value: flag });
  }
  if (bytes.length > KEY_LIMIT) throw new InputError('VSA_KEY_INVALID', `${origin} is over ${KEY_LIMIT} bytes: not a key`, { value: flag });
  return parseSigningKey(bytes.toString('utf8'), password, origin);
}
