// `vouch validate image`: the whole run, from a RunConfig to a report. The trust root is loaded
// once, inside --timeout; components stream through a bounded worker pool; the policy is loaded
// (compiled) once, meanwhile, and evaluated in a pool of worker threads shared by all components;
// --timeout aborts everything in flight. Steps: plan.ts (snapshot), signer-mode.ts, runtime.ts
// (sources, caches, trust root), memo.ts (memoisation), component.ts (one component).
import { formatRfc3339Nano } from '../config/effective-time.ts';
import type { RunConfig } from '../config/types.ts';
import { ExitCode } from '../errors.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { ComponentReport, Report } from '../model/report.ts';
import type { InTotoStatement } from '../model/statement.ts';
import { createEcHost } from '../policy/ec/host.ts';
import { preparePolicy, type PreparedPolicy } from '../policy/engine.ts';
import type { EcHost, PolicyEvaluator } from '../policy/types.ts';
import { loadTrustedRoot } from '../sigstore/trust-root.ts';
import type { VerificationMode } from '../sigstore/types.ts';
import { VERSION } from '../version.ts';
import { validateComponent, type ComponentDeps, type ComponentOutcome } from './component.ts';
import { inReportOrder, planSnapshot, type Ordered } from './plan.ts';
import { mapWithConcurrency, whileIdle } from './pool.ts';
import { createRuntime, trustRootOptions, type Runtime } from './runtime.ts';
import { policyLoadOptions } from './policy-load.ts';
import { verificationMode } from './signer-mode.ts';
import { withTimeout } from './timeout.ts';
import type { ValidationResult } from './types.ts';
import { trustedVsa, vsaVerificationMode, type VsaTrustDeps } from './vsa/trust.ts';

export interface RunOptions {
  log?: (msg: string) => void;
  /** The run's environment: registry credentials, opa, git, trust overrides (SIGSTORE_*). */
  env: NodeJS.ProcessEnv;
  /** Clock for the run (tests pin it). */
  now?: Date;
  /** Called as each component's report is complete (progress). */
  onComponentDone?: (report: ComponentReport) => void;
  /** What of each component's policy input the result keeps (default: all of it). */
  retain?: Retained;
}

/** The parts of each component's policy input a result holds: the whole input, or its attestations' statements. */
export interface Retained {
  policyInputs: boolean;
  statements: boolean;
}

/** A component's outcome as the run keeps it until the end: its report and what the result needs of its input. */
export interface Kept {
  report: ComponentReport;
  input?: PolicyInput;
  statements: InTotoStatement[];
}

export function kept(outcome: ComponentOutcome, retain: Retained): Kept {
  const { report, input } = outcome;
  return {
    report,
    ...(retain.policyInputs && input ? { input } : {}),
    statements: retain.statements && input ? input.attestations.map((a) => a.statement) : [],
  };
}

/**
 * The run under --timeout. A trust root that cannot be loaded (a missing or garbled --trusted-root,
 * --tuf-root, SIGSTORE_* file, an unreachable --tuf-mirror) is a configuration error named first,
 * before any image, not a failed signature on every image; once loaded it serves the whole run.
 */
export function runValidateImage(config: RunConfig, options: RunOptions): Promise<ValidationResult> {
  return withTimeout(config.timeoutMs, async (signal) => {
    const trustedRoot = await loadTrustedRoot(trustRootOptions(config, options.env));
    return run(config, options, signal, trustedRoot);
  });
}

async function run(config: RunConfig, options: RunOptions, signal: AbortSignal, trustedRoot: unknown): Promise<ValidationResult> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  const effectiveTime = config.effectiveTime.kind === 'fixed' ? config.effectiveTime.time : now;
  const mode = verificationMode(config);
  const runtime = createRuntime(config, mode, { env: options.env, signal, log, trustedRoot });
  const plan = planSnapshot(config, runtime.sourceFor, log);
  const policy = startPolicyLoad(config, effectiveTime, options.env, signal, ecHost(config, runtime));
  // The policy compiles (opa, a child process) while the registry work goes on; components wait
  // for it only to evaluate. With VSA trust it compiles only once a component is not reported
  // from a VSA: a re-run whose every component has one needs the policy's digest alone.
  if (!config.vsaTrust) void policy.compiled();
  try {
    const ready = (): Promise<{ policy: PolicyEvaluator; snapshot: Snapshot }> =>
      Promise.all([policy.compiled(), plan.snapshot]).then(([evaluator, snapshot]) => ({ policy: evaluator, snapshot }));
    const deps = componentDeps(config, runtime, mode, {
      // Waiting for the policy and the other components' lookups is idle time: the worker is lent.
      ready: () => whileIdle(ready),
      now: effectiveTime,
      log,
      ...vsaTrust(config, runtime, effectiveTime, policy, log),
    });
    const retain = options.retain ?? { policyInputs: true, statements: true };
    const outcomes = await mapWithConcurrency(plan.arrivals(), config.workers, async (at: Ordered) => {
      const outcome = await validateComponent(at.item, deps);
      options.onComponentDone?.(outcome.report);
      return { at, outcome: kept(outcome, retain) };
    });
    const prepared = await policy.prepared;
    // A policy that was compiled must have compiled, even if no component reached evaluation.
    if (policy.started()) await policy.compiled();
    return result(
      config,
      prepared,
      inReportOrder(outcomes).map((o) => o.outcome),
      effectiveTime,
    );
  } finally {
    await policy.close();
  }
}

/** The `ec.*` builtins' host (src/policy/ec): the policy's registry and Sigstore look-ups go through this run's one registry client and trust material. */
function ecHost(config: RunConfig, runtime: Runtime): EcHost {
  return createEcHost({
    sourceFor: runtime.sourceFor,
    trustedRoot: runtime.trustedRoot,
    ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}),
    ...(config.pki ? { pki: config.pki } : {}),
    ...(config.ignoreSct ? { ignoreSct: true } : {}),
  });
}

/** The run's policy: its digest as soon as the sources are read, its compiled evaluator on demand. */
interface RunPolicy {
  /** Fetched and identified (src/policy/engine.ts preparePolicy); rejects as the load fails. */
  prepared: Promise<PreparedPolicy>;
  /** Starts compiling (once) and resolves when it can evaluate. */
  compiled(): Promise<PolicyEvaluator>;
  /** Whether compiled() was ever called. */
  started(): boolean;
  /** Stops the workers if any were started. */
  close(): Promise<void>;
}

function startPolicyLoad(config: RunConfig, effectiveTime: Date, env: NodeJS.ProcessEnv, signal: AbortSignal, ec: EcHost): RunPolicy {
  const prepared = preparePolicy({ ...policyLoadOptions(config, effectiveTime, env), signal, ec });
  // Awaited later; until then an early failure must not count as an unhandled rejection.
  prepared.catch(() => undefined);
  let compiling: Promise<PolicyEvaluator> | undefined;
  const compiled = (): Promise<PolicyEvaluator> => {
    if (!compiling) {
      compiling = prepared.then((p) => p.load());
      compiling.catch(() => undefined);
    }
    return compiling;
  };
  return {
    prepared,
    compiled,
    started: () => compiling !== undefined,
    close: async () => {
      await compiling?.then(
        (p) => p.close(),
        () => undefined,
      );
    },
  };
}

/** With --vsa-expiration and a VSA signer: how a component may be reported from its VSA. */
function vsaTrust(config: RunConfig, runtime: Runtime, now: Date, policy: RunPolicy, log: (m: string) => void): Pick<ComponentDeps, 'trustedVsa'> {
  const vsa = config.vsaTrust;
  if (!vsa) return {};
  const deps: VsaTrustDeps = {
    mode: vsaVerificationMode(vsa, config.ignoreRekor, config.ignoreSct),
    maxAgeMs: vsa.maxAgeMs,
    now,
    trustedRoot: runtime.trustedRoot,
    // The digest needs the sources read, never compiled.
    policyDigest: async () => (await policy.prepared).digest,
    log,
  };
  // Looking for VSAs is waiting on the registry (and on the policy, for its digest): the worker is
  // lent meanwhile, the registry client still bounds the requests in flight. A component without a
  // trusted VSA is validated in full: the policy starts compiling as soon as the first one is found.
  return {
    trustedVsa: async (ref, digest, source) => {
      const evidence = await whileIdle(() => trustedVsa(ref, digest, source, deps));
      if (!evidence) void policy.compiled();
      return evidence;
    },
  };
}

/** What every component is validated with: the runtime's verifications and the run's settings. */
function componentDeps(
  config: RunConfig,
  runtime: Runtime,
  mode: VerificationMode,
  run: Pick<ComponentDeps, 'ready' | 'now' | 'log' | 'trustedVsa'>,
): ComponentDeps {
  return {
    sourceFor: runtime.sourceFor,
    verifySignatures: runtime.verifySignatures,
    verifyAttestations: runtime.verifyAttestations,
    imageInfo: runtime.imageInfo,
    mode,
    ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}),
    trustedRoot: runtime.trustedRoot,
    info: config.info,
    showSuccesses: config.showSuccesses,
    effectiveTime: config.effectiveTime,
    ...run,
  };
}

/** The report, the policy inputs in report order, and the exit code (--strict). */
function result(config: RunConfig, policy: PreparedPolicy, ordered: Kept[], effectiveTime: Date): ValidationResult {
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
  return {
    report,
    policyInputs,
    exitCode: success || !config.strict ? ExitCode.Ok : ExitCode.PolicyFailed,
    policyDigest: policy.digest,
    componentAttestations: ordered.map((o) => o.statements),
  };
}
