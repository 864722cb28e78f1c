// --public-key / policy `publicKey`: inline PEM or a PEM file (conforma/cli a18338416237
// internal/policy/policy.go).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { pemBlocks } from '../util/pem.ts';

const KMS_SCHEMES = /^(k8s|awskms|gcpkms|azurekms|hashivault|pkcs11|env):/;

/**
 * Returns the PEM text of the key; validates it is a supported public key. `downloadedFrom`: the key
 * comes from a policy configuration fetched from there, which may not choose a local file to read.
 */
export async function resolvePublicKey(value: string, baseDir: string, origin = '--public-key', downloadedFrom?: string): Promise<string> {
  let pem: string;
  let where = origin;
  if (value.includes('-----BEGIN')) {
    pem = value;
  } else if (downloadedFrom !== undefined) {
    throw new InputError(
      'REMOTE_POLICY_LOCAL_KEY',
      `${origin} in the policy configuration from ${downloadedFrom}: a configuration fetched from a remote source must give its public key as PEM text, not a file to read on this machine`,
      { value: downloadedFrom },
    );
  } else if (KMS_SCHEMES.test(value)) {
    throw new InputError(
      'UNSUPPORTED_KEY_REFERENCE',
      `${origin} ${value}: key references (k8s://, KMS, PKCS#11) are not supported; export the public key as PEM (cosign public-key --key ${value} > cosign.pub) and pass the file`,
      { value },
    );
  } else {
    const path = resolve(baseDir, value);
    where = `${origin} ${path}`;
    try {
      pem = await readFile(path, 'utf8');
    } catch (err) {
      throw new InputError('PUBLIC_KEY_UNREADABLE', `${where}: cannot read the key file (${errorMessage(err)}); pass a PEM file or the PEM text`, {
        value: path,
        cause: err,
      });
    }
  }
  assertSupportedPublicKey(pem, where);
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/**
 * The key of PEM text holding exactly one `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) block
 * and nothing else: a second key, a certificate or stray text could be read differently by another
 * tool. Throws InputError naming `where`.
 */
export function publicKeyFromPem(pem: string, where: string): KeyObject {
  let blocks;
  try {
    blocks = pemBlocks(pem);
  } catch (err) {
    throw new InputError('PUBLIC_KEY_INVALID', `${where}: not a PEM public key (${errorMessage(err)})`, { value: where, cause: err });
  }
  const block = blocks[0];
  if (blocks.length !== 1 || !block || (block.type !== 'PUBLIC KEY' && block.type !== 'RSA PUBLIC KEY')) {
    const found = blocks.map((b) => b.type).join(', ');
    throw new InputError('PUBLIC_KEY_INVALID', `${where}: not a PEM public key (expected exactly one PUBLIC KEY block, found ${found})`, { value: where });
  }
  try {
    return createPublicKey({ key: block.der, format: 'der', type: block.type === 'PUBLIC KEY' ? 'spki' : 'pkcs1' });
  } catch (err) {
    throw new InputError('PUBLIC_KEY_INVALID', `${where}: not a PEM public key (${errorMessage(err)})`, { value: where, cause: err });
  }
}

/** Rejects anything but ECDSA P-256/P-384/P-521, RSA and Ed25519 public keys, naming where it came from. */
function assertSupportedPublicKey(pem: string, where: string): void {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new InputError('PRIVATE_KEY_GIVEN', `${where}: this is a private key; pass the public key (cosign.pub)`, { value: where });
  }
  const key = publicKeyFromPem(pem, where);
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const ok = type === 'rsa' || type === 'ed25519' || (type === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? ''));
  if (!ok) {
    throw new InputError(
      'PUBLIC_KEY_UNSUPPORTED',
      `${where}: unsupported key type ${String(type)}${curve ? ` (${curve})` : ''}; use ECDSA P-256/P-384/P-521, RSA or Ed25519`,
      { value: where },
    );
  }
}
