// Content digests: every manifest and blob is checked against the digest it was asked for.
import { createHash } from 'node:crypto';

export function computeDigest(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True when `bytes` hash to `digest` (sha256 or sha512). */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : digest.startsWith('sha256:') ? 'sha256' : undefined;
  return algorithm !== undefined && computeDigest(bytes, algorithm) === digest;
}
