// How a run behaves, apart from what it verifies: where it caches, where the Sigstore trust root
// comes from, how many components at once, which slice of the snapshot, how long, at what time.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, InputError, errorMessage } from '../errors.ts';
import { makeDirectory } from '../util/files.ts';
import { parseDuration } from './duration.ts';
import { parseEffectiveTime } from './effective-time.ts';
import { assertEffectiveTimeAllowed } from './past-effective-time.ts';
import { parseRetryFlags } from './retry.ts';
import type { RunConfig } from './types.ts';
import type { ValidateImageFlags } from './validate-image-flags.ts';

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.VOUCH_CACHE_DIR) return env.VOUCH_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'vouch');
}

/** The cache directory, made now: a flag's value that cannot be made is bad input, a derived one the environment's. */
export async function usableCacheDir(flagValue: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const dir = flagValue ? resolve(cwd, flagValue) : defaultCacheDir(env);
  try {
    await makeDirectory(dir);
  } catch (err) {
    const origin = flagValue ? '--cache-dir' : env.VOUCH_CACHE_DIR ? 'VOUCH_CACHE_DIR' : env.XDG_CACHE_HOME ? 'XDG_CACHE_HOME' : 'HOME';
    const message = `${origin}: cannot create the cache directory ${dir}: ${errorMessage(err)}`;
    const options = { value: dir, cause: err };
    throw flagValue ? new InputError('CACHE_DIR_UNUSABLE', message, options) : new EnvironmentError('CACHE_DIR_UNUSABLE', message, options);
  }
  return dir;
}

/** Where the Sigstore trust root comes from: one source, each flag meaningful. Files are read (and checked) by the trust root's loader. */
export function trustFlags(flags: ValidateImageFlags, cwd: string): RunConfig['trust'] {
  const { 'trusted-root': trustedRoot, 'tuf-mirror': tufMirror, 'tuf-root': tufRoot } = flags;
  if (trustedRoot !== '' && tufMirror !== '') {
    throw new InputError('TRUST_FLAGS', 'pass either --trusted-root or --tuf-mirror (with --tuf-root), not both', { value: '--trusted-root' });
  }
  if (tufRoot !== '' && tufMirror === '') {
    throw new InputError('TRUST_FLAGS', '--tuf-root needs --tuf-mirror (the TUF repository the root.json belongs to)', { value: '--tuf-root' });
  }
  if (tufMirror !== '' && !isHttpUrl(tufMirror)) {
    throw new InputError('TUF_MIRROR_INVALID', `--tuf-mirror ${JSON.stringify(tufMirror)}: not an http(s) URL`, { value: '--tuf-mirror' });
  }
  return {
    ...(trustedRoot ? { trustedRootFile: resolve(cwd, trustedRoot) } : {}),
    ...(tufMirror ? { tufMirror } : {}),
    ...(tufRoot ? { tufRoot: resolve(cwd, tufRoot) } : {}),
  };
}

const isHttpUrl = (text: string): boolean => URL.canParse(text) && ['https:', 'http:'].includes(new URL(text).protocol);

/** The run's behaviour flags: what the report shows, parallelism, slice, time limit and effective time. */
export type RuntimeOptions = Pick<
  RunConfig,
  'ignoreRekor' | 'ignoreSct' | 'strict' | 'info' | 'showSuccesses' | 'showWarnings' | 'workers' | 'shard' | 'timeoutMs' | 'effectiveTime' | 'retry' | 'opaPath'
>;

/**
 * The runtime options of the flags, each checked (workers, shard, timeout, effective time, retries:
 * the first bad one is reported). `now`: the clock ec's past-effective-time guard compares with.
 */
export function runtimeOptions(flags: ValidateImageFlags, now = new Date()): RuntimeOptions {
  const workers = parseWorkers(flags.workers);
  const shard = parseShard(flags.shard);
  const effectiveTime = parseEffectiveTime(flags['effective-time']);
  assertEffectiveTimeAllowed(effectiveTime, flags['allow-past-effective-time'], now);
  return {
    ignoreRekor: flags['ignore-rekor'],
    ...(flags['insecure-ignore-sct'] ? { ignoreSct: true } : {}),
    strict: flags.strict,
    info: flags.info,
    showSuccesses: flags['show-successes'],
    showWarnings: flags['show-warnings'],
    workers,
    ...(shard ? { shard } : {}),
    timeoutMs: parseDuration(flags.timeout, '--timeout'),
    effectiveTime,
    retry: parseRetryFlags({
      duration: flags['retry-duration'],
      factor: flags['retry-factor'],
      jitter: flags['retry-jitter'],
      maxRetry: flags['retry-max-retry'],
      maxWait: flags['retry-max-wait'],
    }),
    ...(flags.opa ? { opaPath: flags.opa } : {}),
  };
}

function parseWorkers(text: string): number {
  const workers = Number(text);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new InputError('INVALID_WORKERS', `--workers ${JSON.stringify(text)}: expected a whole number from 1 to 256`, { value: text });
  }
  return workers;
}

/** `--shard I/N`, 1 <= I <= N; undefined when not given. */
function parseShard(text: string): RunConfig['shard'] {
  if (text === '') return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw new InputError('INVALID_SHARD', `--shard ${JSON.stringify(text)}: expected I/N with 1 <= I <= N, e.g. 2/4`, { value: text });
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}
