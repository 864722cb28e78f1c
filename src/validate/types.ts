// Contract between the faces (CLI, GitHub, Tekton) and the validation pipeline.
import type { ExitCode } from '../errors.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import type { Report } from '../model/report.ts';

export interface ValidationResult {
  report: Report;
  /** The policy input document of each component, in report order (for `policy-input`). */
  policyInputs: PolicyInput[];
  /** Exit code the run ends with (0 pass or non-strict, 1 policy failed). */
  exitCode: ExitCode;
}
