// The policy's content digest: what a Verification Summary Attestation names as `policy.digest`, and
// what a later run compares to decide whether a VSA was made against the policy it runs now. It
// covers the content the verdicts depend on — never a path or URL, so the same policy fetched from
// another place, on another machine, gives the same digest — and nothing that changes per run.
import { createHash } from 'node:crypto';
import type { PolicySource, PolicySpec } from '../model/policy-spec.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import type { RuleInfo, SigstoreOpts } from './types.ts';

const FORMAT = 'vouch-policy-digest/v1';

/** One loaded source, as the digest sees it. */
export interface SourceContent {
  source: PolicySource;
  /** Text of every Rego module compiled (empty for a pre-compiled bundle). */
  modules: string[];
  /** The pre-compiled bundle's wasm module, when the source is one. */
  wasm?: Uint8Array;
  rules: RuleInfo[];
  /** The source's data tree as Rego sees it (data sources, bundle data, ruleData), without `data.config`. */
  data: Record<string, unknown>;
}

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The hex digest of one loaded source: its modules (by content, order-free: Rego modules are one
 * program whatever their file names), bundle wasm, rule metadata, data (ruleData and
 * --extra-rule-data included) and include/exclude/volatile configuration. Taken when the source is
 * loaded, before `data.config` is added.
 */
export function sourceDigest(s: SourceContent): string {
  return sha256(
    canonicalJson({
      modules: s.modules.map(sha256).sort(),
      wasm: s.wasm ? sha256(s.wasm) : undefined,
      rules: s.rules.map(canonicalJson).sort(),
      data: s.data,
      config: s.source.config,
      volatileConfig: s.source.volatileConfig,
    }),
  );
}

/**
 * `sha256:<hex>` of every source's digest (in the policy's order), the spec's top-level
 * configuration, and the signer settings the policy sees (`data.config.default_sigstore_opts`). Left
 * out: source names and URLs, the spec's name and description, and the effective time
 * (`data.config.policy.when_ns`), which changes every run.
 */
export function policyDigest(spec: PolicySpec, sourceDigests: string[], sigstore: SigstoreOpts): string {
  return `sha256:${sha256(canonicalJson({ format: FORMAT, configuration: spec.configuration, sigstore, sources: sourceDigests }))}`;
}
