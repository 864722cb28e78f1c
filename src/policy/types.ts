// Contracts between the policy layers: compile (opa → wasm), evaluate (opa-wasm), rule results
// (conftest/ec semantics) and the engine the validate pipeline calls.
import type { PolicySpec } from '../model/policy-spec.ts';
import type { RuleResult } from '../model/results.ts';
import type { PolicyInput } from '../model/policy-input.ts';

/**
 * Rule metadata read from `# METADATA` annotations of the original .rego files (conforma/cli
 * a18338416237 internal/opa/rule/rule.go).
 */
export interface RuleInfo {
  /** `<package path without data.>.<short_name>`, or `<pkg>.<rule name>` for unannotated rules. */
  code: string;
  /** Package path without `data.`, e.g. `release.maven_repos`. */
  package: string;
  /** Rule head name, e.g. `deny`, `warn_foo`. */
  rule: string;
  kind: 'deny' | 'warn' | 'other';
  /** True when the rule has an annotation with custom.short_name (only these produce successes). */
  annotated: boolean;
  shortName?: string;
  title?: string;
  description?: string;
  solution?: string;
  collections?: string[];
  /** RFC3339 string (YAML timestamps kept as strings). */
  effectiveOn?: string;
  dependsOn?: string[];
  pipelineIntention?: string[];
}

/** One element of a deny/warn rule's value set, as conftest reads it. */
export interface RawResult {
  msg: string;
  /** Every other key of an object result (conftest's `_loc` and `query` removed). */
  metadata: Record<string, unknown>;
}

/** Output of one rule (`data.<namespace>.<rule>`) for one input. */
export interface RawRuleOutcome {
  namespace: string;
  rule: string;
  kind: 'deny' | 'warn';
  results: RawResult[];
  /** True when `data.<ns>.exception[_][_]` names this rule. */
  excepted: boolean;
}

/** What rule results are judged against, for one component. */
export interface EvaluationContext {
  /** `sha256:<hex>` of the component image. */
  imageDigest: string;
  /** `registry/repo` without tag or digest. */
  imageUrl: string;
  /** Component name, and the original name when the component was expanded from an index. */
  componentName: string;
  originalComponentName?: string;
  effectiveTime: Date;
}

/** Violations, warnings and successes of one component, post-processed and ordered. */
export interface PolicyOutcome {
  violations: RuleResult[];
  warnings: RuleResult[];
  /** Present only when successes were asked for. */
  successes: RuleResult[];
  /** Successes counted even when not shown (TEST_OUTPUT counts them). */
  successCount: number;
}

export interface PolicyEvaluator {
  /** The spec after pre-processing (pinned source URLs, CLI overrides), echoed as report.policy. */
  readonly spec: PolicySpec;
  /**
   * `sha256:<hex>` of the content the verdicts depend on (src/policy/digest.ts): the same policy
   * content gives the same digest on any machine; a changed rule, data file, ruleData or signer
   * setting changes it. A VSA names it as its policy digest.
   */
  readonly digest: string;
  /** Evaluates every source against one component's input. */
  evaluate(input: PolicyInput, ctx: EvaluationContext): Promise<PolicyOutcome>;
  close(): Promise<void>;
}

/** `data.config.default_sigstore_opts` (conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go). */
export interface SigstoreOpts {
  certificate_identity: string;
  certificate_identity_regexp: string;
  certificate_oidc_issuer: string;
  certificate_oidc_issuer_regexp: string;
  ignore_rekor: boolean;
  public_key: string;
  rekor_url: string;
}

export interface PolicyLoadOptions {
  spec: PolicySpec;
  effectiveTime: Date;
  /** Keep full metadata on results (--info). */
  info: boolean;
  /** Collect successes (--show-successes). */
  showSuccesses: boolean;
  /** `key=value` pairs from --extra-rule-data, values already resolved to strings. */
  extraRuleData: Record<string, string>;
  sigstoreOpts: SigstoreOpts;
  /** Explicit path to `opa` (--opa); else OPA_PATH, else PATH. */
  opaPath?: string;
  /** Directory for the content-addressed source and compile caches. */
  cacheDir: string;
  /** The run's environment: opa on PATH, git and registry credentials for sources. */
  env: NodeJS.ProcessEnv;
  /** Directory that relative local source paths are resolved against. */
  baseDir: string;
  /** Components evaluated at once (--workers): the evaluation workers, capped by the cores. */
  evaluationWorkers?: number;
  /** Aborts loading and evaluation (--timeout): workers are terminated, fetches and compiles stopped. */
  signal?: AbortSignal;
  /** Answers the `ec.oci.*` and `ec.sigstore.*` builtins (src/policy/ec/host.ts); without it they fail the evaluation. */
  ec?: EcHost;
}

/** The main thread's answers to the `ec.*` builtins that need I/O, with ec's process-wide caches. */
export interface EcHost {
  /** The answers for one component's evaluation, with ec's per-component caches (blobs, files). */
  forComponent(): EcComponentHost;
}

export interface EcComponentHost {
  /** ec's answer to `name(...args)`; undefined when ec's would be (any failure). Never rejects. */
  call(name: string, args: unknown[]): Promise<unknown>;
}
