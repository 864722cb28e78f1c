// Memoisation of a run's verifications: identical digests verified once per run (`once`), passes
// kept on disk across runs by content (`cached`), and what a cached verdict depends on (`verdictBasis`).
import { createHash } from 'node:crypto';
import { repositoryName } from '../oci/reference.ts';
import type { VerificationMode, VerifyContext } from '../sigstore/types.ts';
import { VERSION } from '../version.ts';
import { verdictKey, type VerdictCache } from './verdict-cache.ts';

export type Verification<T> = (ctx: VerifyContext) => Promise<T>;

/** One promise for a thunk, made on first call. */
export const memo = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

/**
 * Identical digests across components (an image listed twice, shared platform images) are verified
 * once: digests are immutable, so the verdict is the same. A failure is forgotten: a network
 * failure is not a verdict, and the next component asking tries again.
 */
export function once<T>(fn: Verification<T>): Verification<T> {
  const seen = new Map<string, Promise<T>>();
  return (ctx) => {
    const key = `${repositoryName(ctx.ref)}@${ctx.digest}`;
    let p = seen.get(key);
    if (!p) {
      p = fn(ctx);
      seen.set(key, p);
      p.catch(() => seen.delete(key));
    }
    return p;
  };
}

/**
 * A pass kept in the verdict cache, keyed by the image and everything the verdict depends on
 * (`basis`). Only passes are kept: a failure is verified again next run. Trust material that cannot
 * be read is no reason to trust a cached pass: then the verification runs as if cold.
 */
export function cached<T extends { ok: boolean }>(
  cache: VerdictCache,
  kind: string,
  basis: () => Promise<unknown[]>,
  fn: Verification<T>,
  isPass: (v: unknown) => v is T,
): Verification<T> {
  return async (ctx) => {
    const parts = await basis().catch(() => undefined);
    if (!parts) return fn(ctx);
    const key = verdictKey([kind, repositoryName(ctx.ref), ctx.digest, ...parts]);
    const hit = await cache.get(key, isPass);
    if (hit) return hit;
    const verdict = await fn(ctx);
    if (verdict.ok) await cache.put(key, verdict);
    return verdict;
  };
}

/**
 * What a cached verdict depends on besides the image digest — all by content, never by path: the
 * vouch version, the verification mode (the public key, or the identity and organisation CA
 * certificates), the Rekor URL, and the trust root actually used (a --trusted-root file, the TUF
 * targets, with SIGSTORE_* overrides applied). Key-only verification (--ignore-rekor) uses no trust
 * root. Changing any of them in place misses the cache.
 */
export async function verdictBasis(mode: VerificationMode, rekorUrl: string | undefined, trustedRoot: () => Promise<unknown>): Promise<unknown[]> {
  const usesRoot = !(mode.kind === 'key' && mode.ignoreTlog);
  const root = usesRoot
    ? createHash('sha256')
        .update(JSON.stringify(await trustedRoot()))
        .digest('hex')
    : 'no trust root';
  return [VERSION, mode, rekorUrl ?? '', root];
}
