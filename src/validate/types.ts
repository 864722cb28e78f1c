// Contract between the faces (CLI, GitHub, Tekton) and the validation pipeline.
import type { ExitCode } from '../errors.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import type { Report } from '../model/report.ts';
import type { InTotoStatement } from '../model/statement.ts';
import type { ProducedVsa } from './vsa/produce.ts';

export interface ValidationResult {
  report: Report;
  /** The policy input document of each component, in report order (for `policy-input` and `attestation`; empty unless retained). */
  policyInputs: PolicyInput[];
  /** Exit code the run ends with (0 pass or non-strict, 1 policy failed). */
  exitCode: ExitCode;
  /** The policy content digest (src/policy/digest.ts) the verdicts were reached with. */
  policyDigest: string;
  /** The statements of the attestations each component's policy saw, in report order ([] when none was reached or not retained). */
  componentAttestations: InTotoStatement[][];
  /** `--vsa`: the VSAs made, once the reports are written. */
  vsas?: ProducedVsa[];
}
