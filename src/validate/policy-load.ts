// How a run's configuration loads its policy: one place, so that a validation and
// `vouch validate vsa --policy` load the same policy and see the same content digest.
import type { RunConfig } from '../config/types.ts';
import { preparePolicy } from '../policy/engine.ts';
import type { PolicyLoadOptions } from '../policy/types.ts';
import { sigstoreOpts } from './signer-mode.ts';

/** The policy options of a run (without its abort signal and `ec.*` host). */
export function policyLoadOptions(config: RunConfig, effectiveTime: Date, env: NodeJS.ProcessEnv): PolicyLoadOptions {
  return {
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
  };
}

/**
 * The content digest of the policy a run with this configuration would evaluate: its sources are
 * fetched and read, nothing is compiled (src/policy/engine.ts preparePolicy).
 */
export async function runPolicyDigest(config: RunConfig, effectiveTime: Date, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return (await preparePolicy({ ...policyLoadOptions(config, effectiveTime, env), ...(signal ? { signal } : {}) })).digest;
}
