// One typed run configuration, produced from CLI flags, GitHub inputs or Tekton params.
import type { PolicySpec } from '../model/policy-spec.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { RetrySettings } from './retry.ts';
import type { VsaConfig } from './vsa.ts';

/** One `--output FORMAT[=PATH][?opts]` target. */
export interface OutputTarget {
  format: string;
  /** Undefined ⇒ stdout. */
  path?: string;
  showSuccesses?: boolean;
  showWarnings?: boolean;
  showPolicyDocsLink?: boolean;
  /** JUnit only: count warnings as passed tests instead of skipped ones. */
  warningsAsPasses?: boolean;
  /** JUnit only: ec's exact form (`?format=ec`) instead of vouch's. */
  ecFormat?: boolean;
}

/** Keyless identity constraints (exact or regexp), cosign/ec semantics. */
export interface IdentityConfig {
  subject?: string;
  subjectRegExp?: string;
  issuer?: string;
  issuerRegExp?: string;
}

/** Who signs the VSAs a re-run may trust, and how old one may be (src/config/vsa-trust.ts). */
export type VsaTrustConfig = ({ publicKey: string; identity?: undefined } | { identity: IdentityConfig; publicKey?: undefined }) & {
  /** --vsa-expiration in milliseconds (> 0). */
  maxAgeMs: number;
};

export type EffectiveTimeSetting = { kind: 'now' } | { kind: 'attestation' } | { kind: 'fixed'; time: Date };

export interface RunConfig {
  snapshot: Snapshot;
  /** Where the snapshot came from (file path), for annotations pointing at components' lines. */
  snapshotFile?: string;
  /** The policy spec after CLI overrides (key, rekor, extra rule data). */
  policy: PolicySpec;
  /** PEM public key for key-based verification; undefined ⇒ keyless. */
  publicKey?: string;
  identity?: IdentityConfig;
  /** Organisation CA certificates (PEM) for keyless-style verification without Fulcio. */
  pki?: { roots: string[]; intermediates: string[] };
  rekorUrl?: string;
  ignoreRekor: boolean;
  /** Keyless: accept certificates without an SCT (cosign's --insecure-ignore-sct). */
  ignoreSct?: boolean;
  /** Where the Sigstore trust root comes from (else the production root embedded in @sigstore/tuf). */
  trust: { trustedRootFile?: string; tufMirror?: string; tufRoot?: string };
  outputs: OutputTarget[];
  strict: boolean;
  info: boolean;
  showSuccesses: boolean;
  showWarnings: boolean;
  workers: number;
  /** `--shard I/N`: validate only the I-th of N deterministic slices of the snapshot. */
  shard?: { index: number; count: number };
  /** Milliseconds; 0 = none. */
  timeoutMs: number;
  effectiveTime: EffectiveTimeSetting;
  /** The registry client's backoff (`--retry-*`); unset: the client's defaults. */
  retry?: RetrySettings;
  extraRuleData: Record<string, string>;
  opaPath?: string;
  cacheDir: string;
  /** Directory relative paths in the policy resolve against. */
  baseDir: string;
  /** `--vsa`: the Verification Summary Attestations to write (src/config/vsa.ts). */
  vsa?: VsaConfig;
  /** Trust valid VSAs instead of validating again (issue 14); undefined: VSAs are not consulted. */
  vsaTrust?: VsaTrustConfig;
}

export interface ResolveOptions {
  baseDir: string;
  cacheDir: string;
  /** The run's environment (git and registry credentials for remote configurations). */
  env: NodeJS.ProcessEnv;
}

/**
 * Turns `--policy`'s value into a policy spec. The policy layer provides it (it may download a
 * configuration); configuration parsing takes it as a parameter so it never imports upward.
 */
export type PolicyResolver = (value: string, opts: ResolveOptions) => Promise<{ spec: PolicySpec; pinnedFrom?: string }>;
