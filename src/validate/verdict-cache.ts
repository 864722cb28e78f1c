// The on-disk cache of verification verdicts. Digests are immutable, so a signature or attestation
// that verified for a digest, under the same key or identity, trust material and vouch version,
// still verifies: warm runs skip fetching signatures and attestations. Only passes are cached — a
// failure may be mended later by attaching a signature, and a network failure is never a verdict.
//
// A cached pass is as strong as the cache directory, so an entry is used only when its file belongs
// to this user and nobody else may write it, when it names the key it was stored under, and when
// its value has the expected shape; anything else is a miss (the run verifies again).
import { createHash } from 'node:crypto';
import { access, mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InTotoStatement } from '../model/statement.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { AttestationCheck, SignatureCheck } from '../sigstore/types.ts';
import type { ImageInfo } from './image-info.ts';
import { isRecord, isStringList } from '../util/json-shapes.ts';

export interface VerdictCache {
  /** The value stored under `key`, when it passes `isValid`; otherwise undefined (a miss). */
  get<T>(key: string, isValid: (value: unknown) => value is T): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
}

const FORMAT = 'vouch-verdict/1';
const ENTRY_LIMIT = 64 * 1024 * 1024;

export function verdictKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Written by this user and by nobody else (where the platform has owners). */
function ownedPrivately(stats: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0);
}

async function readOwned(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || !ownedPrivately(stats) || stats.size > ENTRY_LIMIT) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export function diskVerdictCache(dir: string): VerdictCache {
  const root = join(dir, 'verdicts');
  // A cache without verdicts when the run starts (a first run, a fresh CI runner) holds none that
  // another run wrote: its misses are known without a failing open() each (30,000 at 10,000
  // components). What this run writes is read back as usual; another run's entry written meanwhile is
  // only a miss (verified again).
  const startedEmpty = access(root).then(
    () => false,
    () => true,
  );
  const written = new Set<string>();
  let writes = 0;
  // Directories made by this run: a cold run of 10,000 components writes 30,000 entries into at
  // most 256 directories, and a recursive mkdir per entry cost more than the entry itself.
  const made = new Map<string, Promise<unknown>>();
  const ensureDir = (d: string): Promise<unknown> => {
    let p = made.get(d);
    if (!p) {
      p = mkdir(d, { recursive: true, mode: 0o700 });
      made.set(d, p);
      p.catch(() => made.delete(d));
    }
    return p;
  };
  return {
    async get<T>(key: string, isValid: (value: unknown) => value is T): Promise<T | undefined> {
      if ((await startedEmpty) && !written.has(key)) return undefined;
      try {
        const text = await readOwned(join(root, key.slice(0, 2), `${key}.json`));
        if (text === undefined) return undefined;
        const entry = JSON.parse(text) as { format?: unknown; key?: unknown; value?: unknown } | null;
        if (entry?.format !== FORMAT || entry.key !== key || !isValid(entry.value)) return undefined;
        return entry.value;
      } catch {
        return undefined;
      }
    },
    async put(key, value) {
      const d = join(root, key.slice(0, 2));
      try {
        await ensureDir(d);
        // Its own temporary name: the same entry written twice at once must not share one.
        const tmp = join(d, `${key}.${process.pid}.${++writes}.tmp`);
        await writeFile(tmp, JSON.stringify({ format: FORMAT, key, value }), { mode: 0o600 });
        await rename(tmp, join(d, `${key}.json`));
        written.add(key);
      } catch {
        // A cache that cannot be written only costs time.
      }
    },
  };
}

// ---- The shapes of what is cached: a value that is not one of these is ignored ----

/** A pass rejected nothing: its `errors` list is empty. */
const isNone = (v: unknown): v is [] => Array.isArray(v) && v.length === 0;
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);

function isEntitySignature(v: unknown): v is EntitySignature {
  return (
    isRecord(v) &&
    typeof v.keyid === 'string' &&
    typeof v.sig === 'string' &&
    optional(v.certificate, (x) => typeof x === 'string') &&
    optional(v.chain, isStringList) &&
    optional(v.metadata, (m) => isRecord(m) && Object.values(m).every((x) => typeof x === 'string'))
  );
}

function isStatement(v: unknown): v is InTotoStatement {
  return (
    isRecord(v) &&
    typeof v._type === 'string' &&
    typeof v.predicateType === 'string' &&
    Array.isArray(v.subject) &&
    v.subject.every((s) => isRecord(s) && isRecord(s.digest) && Object.values(s.digest).every((d) => typeof d === 'string'))
  );
}

/** A cached pass of the signature check. */
export function isSignaturePass(v: unknown): v is SignatureCheck {
  return (
    isRecord(v) &&
    v.ok === true &&
    Array.isArray(v.signatures) &&
    v.signatures.length > 0 &&
    v.signatures.every(isEntitySignature) &&
    isNone(v.errors) &&
    v.noneFound === false
  );
}

/** A cached pass of the attestation check. */
export function isAttestationPass(v: unknown): v is AttestationCheck {
  return (
    isRecord(v) &&
    v.ok === true &&
    Array.isArray(v.attestations) &&
    v.attestations.every(
      (a) =>
        isRecord(a) &&
        isStatement(a.statement) &&
        Array.isArray(a.signatures) &&
        a.signatures.length > 0 &&
        a.signatures.every(isEntitySignature) &&
        optional(a.predicateBuildType, (x) => typeof x === 'string'),
    ) &&
    isNone(v.errors) &&
    v.noneFound === false
  );
}

/** Cached image information (config and parent), marked as complete. */
export function isCachedImageInfo(v: unknown): v is ImageInfo & { cached: true } {
  return (
    isRecord(v) &&
    v.cached === true &&
    optional(v.config, isRecord) &&
    optional(v.parent, (p) => isRecord(p) && typeof p.ref === 'string' && optional(p.config, isRecord))
  );
}
