// What a report is rendered from, and the formats it can be rendered to (ec's `--output` names, and
// vouch's own). Shared by the configuration (which parses `--output`), the report writers and the faces.
import type { PolicyInput } from './policy-input.ts';
import type { Report } from './report.ts';

export const FORMATS = ['json', 'yaml', 'text', 'summary', 'summary-markdown', 'appstudio', 'hacbs', 'junit', 'attestation', 'policy-input'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(f: string): f is Format {
  return (FORMATS as readonly string[]).includes(f);
}

/** The components file a snapshot came from, and each component's 1-based line in it (by `locationKey`). */
export interface ComponentsFile {
  /** Relative to the run's working directory, `/`-separated. */
  path: string;
  lines: Record<string, number>;
}

/** Which slice of which snapshot a `--shard I/N` run validated (what `vouch merge-reports` checks). */
export interface ShardIdentity {
  index: number;
  count: number;
  /** sha256 of the snapshot every shard was cut from. */
  snapshotDigest: string;
}

export interface RenderContext {
  report: Report;
  policyInputs: PolicyInput[];
  createdAt: Date;
  color: boolean;
  showSuccesses: boolean;
  showWarnings: boolean;
  showPolicyDocsLink: boolean;
  warningsAsPasses?: boolean;
  /** JUnit exactly as ec writes it (`junit=PATH?format=ec`). */
  ecJUnit?: boolean;
  /** Where the components are written: JUnit points at their lines. */
  componentsFile?: ComponentsFile;
  /** Set on a shard run: its JSON report then carries what a merge needs. */
  shard?: ShardIdentity;
}
