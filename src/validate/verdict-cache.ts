// The on-disk cache of verification verdicts. Digests are immutable, so a signature or attestation
// that verified for a digest, under the same key or identity, trust root and vouch version, still
// verifies: warm runs skip fetching signatures and attestations. Only passes are cached — a failure
// may be mended later by attaching a signature, and a network failure is never a verdict.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface VerdictCache {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
}

export function verdictKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function diskVerdictCache(dir: string): VerdictCache {
  const root = join(dir, 'verdicts');
  return {
    async get<T>(key: string): Promise<T | undefined> {
      try {
        return JSON.parse(await readFile(join(root, key.slice(0, 2), `${key}.json`), 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    async put(key, value) {
      const d = join(root, key.slice(0, 2));
      try {
        await mkdir(d, { recursive: true });
        const tmp = join(d, `${key}.${process.pid}.tmp`);
        await writeFile(tmp, JSON.stringify(value));
        await rename(tmp, join(d, `${key}.json`));
      } catch {
        // A cache that cannot be written only costs time.
      }
    },
  };
}
