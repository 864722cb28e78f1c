// What a run works with, made once: the registry sources (bounded, abortable), the verdict cache,
// the trust root (loaded before the run, inside --timeout) and the verifications wrapped in the
// run's memoisation (memo.ts).
import type { RunConfig } from '../config/types.ts';
import { repositoryName } from '../oci/reference.ts';
import { createSourceFactory } from '../oci/source.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';
import type { TrustRootOptions } from '../sigstore/trust-root.ts';
import type { AttestationCheck, SignatureCheck, VerificationMode } from '../sigstore/types.ts';
import { verifyImageAttestations } from '../sigstore/verify-attestations.ts';
import { verifyImageSignatures } from '../sigstore/verify-signatures.ts';
import { VERSION } from '../version.ts';
import { fetchImageInfo, type ImageInfo } from './image-info.ts';
import { cached, memo, once, verdictBasis, type Verification } from './memo.ts';
import { whileIdle } from './pool.ts';
import { diskVerdictCache, isAttestationPass, isCachedImageInfo, isSignaturePass, verdictKey } from './verdict-cache.ts';

export interface Runtime {
  sourceFor: (ref: ImageReference) => ImageSource;
  /** The image's config and parent, cached on disk by digest once complete. */
  imageInfo: (ref: ImageReference, digest: string) => Promise<ImageInfo>;
  verifySignatures: Verification<SignatureCheck>;
  verifyAttestations: Verification<AttestationCheck>;
  trustedRoot: () => Promise<unknown>;
}

export interface RuntimeOptions {
  env: NodeJS.ProcessEnv;
  /** --timeout's: aborts registry requests in flight. */
  signal: AbortSignal;
  log: (msg: string) => void;
  /** The run's trust root, already loaded and checked. */
  trustedRoot: unknown;
}

/** Where the trust root comes from, for sigstore/trust-root.ts's loader. */
export function trustRootOptions(config: RunConfig, env: NodeJS.ProcessEnv): TrustRootOptions {
  return { ...config.trust, ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}), cacheDir: config.cacheDir, env };
}

export function createRuntime(config: RunConfig, mode: VerificationMode, options: RuntimeOptions): Runtime {
  const { env, signal, log } = options;
  // `oci:` layout paths resolve against the run's directory (the demo's, under --demo), not the process's.
  const sourceFor = createSourceFactory({
    maxConcurrency: Math.max(4, config.workers * 2),
    idle: whileIdle,
    signal,
    env,
    baseDir: config.baseDir,
    ...(config.retry ? { retry: config.retry } : {}),
  });
  const cache = diskVerdictCache(config.cacheDir);
  const trustedRoot = (): Promise<unknown> => Promise.resolve(options.trustedRoot);
  // What a verdict depends on besides the digest, computed once per run.
  const basis = memo(() => verdictBasis(mode, config.rekorUrl, trustedRoot));
  const imageInfo = async (ref: ImageReference, digest: string): Promise<ImageInfo> => {
    const key = verdictKey(['image-info', VERSION, repositoryName(ref), digest]);
    const hit = await cache.get(key, isCachedImageInfo);
    if (hit) return hit;
    const info = await fetchImageInfo(sourceFor, ref, digest, log);
    // Only complete answers: a config that could not be fetched is tried again next run.
    if (info.config) await cache.put(key, { ...info, cached: true });
    return info;
  };
  return {
    sourceFor,
    imageInfo,
    verifySignatures: once(cached(cache, 'signatures', basis, verifyImageSignatures, isSignaturePass)),
    verifyAttestations: once(cached(cache, 'attestations', basis, verifyImageAttestations, isAttestationPass)),
    trustedRoot,
  };
}
