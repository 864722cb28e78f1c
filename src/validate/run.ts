// `vouch validate image`: the whole run, from a RunConfig to a report. Components stream through a
// bounded worker pool; the policy is loaded (compiled) once and evaluated in a pool of worker threads
// shared by all components; --timeout aborts everything in flight.
import { createHash } from 'node:crypto';
import { formatRfc3339Nano } from '../config/effective-time.ts';
import type { RunConfig } from '../config/types.ts';
import { ExitCode, VouchError } from '../errors.ts';
import { createSourceFactory } from '../oci/source.ts';
import { loadPolicy } from '../policy/engine.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { SigstoreOpts } from '../policy/types.ts';
import type { ComponentReport, Report } from '../model/report.ts';
import type { VerificationMode, VerifyContext } from '../sigstore/types.ts';
import { repositoryName } from '../oci/reference.ts';
import { verifyImageAttestations } from '../sigstore/verify-attestations.ts';
import { verifyImageSignatures } from '../sigstore/verify-signatures.ts';
import { lazyTrustedRoot } from '../sigstore/trust-root.ts';
import { VERSION } from '../version.ts';
import { validateComponent, type ComponentOutcome, type PlannedComponent } from './component.ts';
import { expandIndex, parseComponents, shardComponents } from './expand.ts';
import { inCompletionOrder, mapWithConcurrency, whileIdle } from './pool.ts';
import { diskVerdictCache, isAttestationPass, isCachedImageInfo, isSignaturePass, verdictKey } from './verdict-cache.ts';
import { fetchImageInfo, type ImageInfo } from './image-info.ts';
import type { ImageReference } from '../oci/types.ts';
import type { ValidationResult } from './types.ts';

/** A component after index expansion, with its place in the snapshot (for a stable report order). */
interface Ordered {
  item: PlannedComponent;
  order: number;
  child: number;
}

export interface RunOptions {
  log?: (msg: string) => void;
  /** The run's environment: registry credentials, opa, git, trust overrides (SIGSTORE_*). */
  env: NodeJS.ProcessEnv;
  /** Clock for the run (tests pin it). */
  now?: Date;
}

function verificationMode(config: RunConfig): VerificationMode {
  if (config.publicKey) return { kind: 'key', publicKey: config.publicKey, ignoreTlog: config.ignoreRekor };
  return { kind: 'keyless', identity: config.identity ?? {}, ...(config.pki ? { pki: config.pki } : {}), ...(config.ignoreSct ? { ignoreSct: true } : {}) };
}

function sigstoreOpts(config: RunConfig): SigstoreOpts {
  const id = config.identity ?? {};
  return {
    certificate_identity: id.subject ?? '',
    certificate_identity_regexp: id.subjectRegExp ?? '',
    certificate_oidc_issuer: id.issuer ?? '',
    certificate_oidc_issuer_regexp: id.issuerRegExp ?? '',
    ignore_rekor: config.ignoreRekor,
    public_key: config.publicKey ?? '',
    rekor_url: config.rekorUrl ?? '',
  };
}

const memo = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
};

/**
 * What a cached verdict depends on besides the image digest — all by content, never by path: the
 * vouch version, the verification mode (the public key, or the identity and organisation CA
 * certificates), the Rekor URL, and the trust root actually used (a --trusted-root file, the TUF
 * targets, with SIGSTORE_* overrides applied). Key-only verification (--ignore-rekor) uses no trust
 * root. Changing any of them in place misses the cache.
 */
async function verdictBasis(mode: VerificationMode, rekorUrl: string | undefined, trustedRoot: () => Promise<unknown>): Promise<unknown[]> {
  const usesRoot = !(mode.kind === 'key' && mode.ignoreTlog);
  const root = usesRoot ? createHash('sha256').update(JSON.stringify(await trustedRoot())).digest('hex') : 'no trust root';
  return [VERSION, mode, rekorUrl ?? '', root];
}

class TimeoutError extends VouchError {
  constructor(ms: number) {
    super(
      'TIMEOUT',
      `exceeded allowed execution time of ${ms / 1000}s, the timeout can be adjusted using the --timeout command line argument`,
      { exitCode: ExitCode.Timeout, value: ms },
    );
  }
}

/**
 * Runs `work` under --timeout. Expiry aborts its signal, which terminates the policy evaluation
 * workers (a long evaluation never blocks this thread, so the timer does fire), stops registry
 * requests and opa compiles: the process can exit at once with ec's message.
 */
async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (ms <= 0) return work(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(ms);
      controller.abort(err);
      reject(err);
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work(controller.signal), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

export function runValidateImage(config: RunConfig, options: RunOptions): Promise<ValidationResult> {
  return withTimeout(config.timeoutMs, (signal) => run(config, options, signal));
}

async function run(config: RunConfig, options: RunOptions, signal: AbortSignal): Promise<ValidationResult> {
  const { env } = options;
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  const effectiveTime = config.effectiveTime.kind === 'fixed' ? config.effectiveTime.time : now;
  // `oci:` layout paths resolve against the run's directory (the demo's, under --demo), not the process's.
  const sourceFor = createSourceFactory({ maxConcurrency: Math.max(4, config.workers * 2), idle: whileIdle, signal, env, baseDir: config.baseDir, ...(config.retry ? { retry: config.retry } : {}) });

  const planned = shardComponents(parseComponents(config.snapshot, config.snapshotFile ?? '--images'), config.shard);
  // The policy compiles (opa, a child process) while the registry work goes on; components wait
  // for it only to evaluate.
  const policyLoading = loadPolicy({
    spec: config.policy,
    effectiveTime,
    info: config.info,
    showSuccesses: config.showSuccesses,
    extraRuleData: config.extraRuleData,
    sigstoreOpts: sigstoreOpts(config),
    ...(config.opaPath ? { opaPath: config.opaPath } : {}),
    cacheDir: config.cacheDir,
    env,
    baseDir: config.baseDir,
    evaluationWorkers: config.workers,
    signal,
  });
  // Awaited below; until then an early failure must not count as an unhandled rejection.
  policyLoading.catch(() => undefined);
  try {
    // Every component's index lookup starts at once; each component enters the pool as soon as its
    // own lookup is done. The policy input's snapshot lists all of them, so evaluation waits for all.
    const expansions = planned.map((p, order) => expandIndex(p, sourceFor, log).then((list) => list.map((item, child) => ({ item, order, child }))));
    const byImage = (a: Ordered, b: Ordered): number =>
      a.item.component.containerImage < b.item.component.containerImage ? -1 : a.item.component.containerImage > b.item.component.containerImage ? 1 : a.order - b.order || a.child - b.child;
    const ready = Promise.all([policyLoading, Promise.all(expansions)]).then(([policy, lists]) => {
      // ec processes components in ascending containerImage order and reports them descending.
      const expanded = lists.flat().sort(byImage);
      const snapshot: Snapshot = {
        application: config.snapshot.application ?? '',
        ...(config.snapshot.displayName ? { displayName: config.snapshot.displayName } : {}),
        ...(config.snapshot.displayDescription ? { displayDescription: config.snapshot.displayDescription } : {}),
        components: expanded.map((o) => o.item.component),
        artifacts: config.snapshot.artifacts ?? {},
      };
      return { policy, snapshot };
    });
    ready.catch(() => undefined);
    const mode = verificationMode(config);
    // Identical digests across components (an image listed twice, shared platform images) are
    // verified once: digests are immutable, so the verdict is the same.
    const once = <T>(fn: (ctx: VerifyContext) => Promise<T>): ((ctx: VerifyContext) => Promise<T>) => {
      const seen = new Map<string, Promise<T>>();
      return (ctx) => {
        const key = `${repositoryName(ctx.ref)}@${ctx.digest}`;
        let p = seen.get(key);
        if (!p) {
          p = fn(ctx);
          seen.set(key, p);
          // A network failure is not a verdict: the next component asking tries again.
          p.catch(() => seen.delete(key));
        }
        return p;
      };
    };
    const cache = diskVerdictCache(config.cacheDir);
    const trustedRoot = lazyTrustedRoot({ ...config.trust, ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}), cacheDir: config.cacheDir, env });
    // What a verdict depends on besides the digest, computed once per run.
    const basis = memo(() => verdictBasis(mode, config.rekorUrl, trustedRoot));
    const cached = <T extends { ok: boolean }>(kind: string, fn: (ctx: VerifyContext) => Promise<T>, isPass: (v: unknown) => v is T): ((ctx: VerifyContext) => Promise<T>) => async (ctx) => {
      // Trust material that cannot be read is no reason to trust a cached pass: verify as if cold.
      const parts = await basis().catch(() => undefined);
      if (!parts) return fn(ctx);
      const key = verdictKey([kind, repositoryName(ctx.ref), ctx.digest, ...parts]);
      const hit = await cache.get(key, isPass);
      if (hit) return hit;
      const verdict = await fn(ctx);
      if (verdict.ok) await cache.put(key, verdict);
      return verdict;
    };
    const imageInfo = async (ref: ImageReference, digest: string): Promise<ImageInfo> => {
      const key = verdictKey(['image-info', VERSION, repositoryName(ref), digest]);
      const hit = await cache.get(key, isCachedImageInfo);
      if (hit) return hit;
      const info = await fetchImageInfo(sourceFor, ref, digest, log);
      // Only complete answers: a config that could not be fetched is tried again next run.
      if (info.config) await cache.put(key, { ...info, cached: true });
      return info;
    };
    const verifySignatures = once(cached('signatures', verifyImageSignatures, isSignaturePass));
    const verifyAttestations = once(cached('attestations', verifyImageAttestations, isAttestationPass));
    async function* arrivals(): AsyncGenerator<Ordered> {
      for await (const list of inCompletionOrder(expansions)) yield* list;
    }
    const outcomes = await mapWithConcurrency(arrivals(), config.workers, async (p): Promise<{ outcome: ComponentOutcome; at: Ordered }> => ({
      at: p,
      outcome: await validateComponent(p.item, {
        sourceFor,
        verifySignatures,
        verifyAttestations,
        imageInfo,
        mode,
        ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}),
        trustedRoot,
        // Waiting for the policy and the other components' lookups is idle time: the worker is lent.
        ready: () => whileIdle(() => ready),
        info: config.info,
        showSuccesses: config.showSuccesses,
        effectiveTime: config.effectiveTime,
        now: effectiveTime,
        log,
      }),
    }));
    const ordered = outcomes
      .sort((a, b) => compareDescending(a.outcome.report, b.outcome.report) || a.at.order - b.at.order || a.at.child - b.at.child)
      .map(({ outcome }) => outcome);
    const policy = await policyLoading;
    const components = ordered.map((o) => o.report);
    const success = components.every((c) => c.success);
    const report: Report = {
      success,
      components,
      key: config.publicKey ?? '',
      policy: policy.spec,
      'ec-version': VERSION,
      'effective-time': formatRfc3339Nano(effectiveTime),
    };
    const policyInputs = ordered.map((o) => o.input).filter((i): i is PolicyInput => i !== undefined);
    const exitCode = success || !config.strict ? ExitCode.Ok : ExitCode.PolicyFailed;
    return { report, policyInputs, exitCode };
  } finally {
    await policyLoading.then((p) => p.close(), () => undefined);
  }
}

function compareDescending(a: ComponentReport, b: ComponentReport): number {
  return a.containerImage < b.containerImage ? 1 : a.containerImage > b.containerImage ? -1 : 0;
}
