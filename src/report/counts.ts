// Totals shared by TEST_OUTPUT, text, summaries and job summaries
// (conforma/cli a18338416237 internal/applicationsnapshot/report.go). Pure.
import type { ComponentReport, Report } from '../model/report.ts';
import type { RuleResult } from '../model/results.ts';
import { jsonText } from '../util/json-shapes.ts';

type TestResult = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'ERROR';

export interface Totals {
  failures: number;
  warnings: number;
  successes: number;
  result: TestResult;
}

/** Successes counted even when not shown (builtins included). */
export function successCount(c: ComponentReport): number {
  return c.successCount ?? c.successes?.length ?? 0;
}

/** ec's totals: every violation is a failure, an unreachable registry included (TEST_OUTPUT, text, summaries). */
export function totals(report: Report): Totals {
  let failures = 0;
  let warnings = 0;
  let successes = 0;
  for (const c of report.components) {
    failures += c.violations?.length ?? 0;
    warnings += c.warnings?.length ?? 0;
    successes += successCount(c);
  }
  const anyFailed = report.components.some((c) => !c.success);
  const result: TestResult = failures > 0 || anyFailed ? 'FAILURE' : warnings > 0 ? 'WARNING' : successes === 0 ? 'SKIPPED' : 'SUCCESS';
  return { failures, warnings, successes, result };
}

/**
 * A violation that says the check could not be made (the registry was down, an answer could not be
 * read), not that the image broke the policy: the builtin checks of a component that met an
 * infrastructure error. The one rule every report uses to keep the two apart.
 */
export function isInfrastructureViolation(c: ComponentReport, r: RuleResult): boolean {
  return c.infrastructureError !== undefined && jsonText(r.metadata?.code).startsWith('builtin.');
}

/** The violations of a component that are verdicts of the policy. */
export function policyViolations(c: ComponentReport): RuleResult[] {
  return (c.violations ?? []).filter((r) => !isInfrastructureViolation(c, r));
}

/** What a gate (the GitHub Action's outputs and headline) reports: policy verdicts apart from checks that could not be made. */
export interface GateTotals {
  components: number;
  /** Policy violations only. */
  violations: number;
  /** Components with at least one policy violation. */
  failingComponents: number;
  /** Components that could not be checked (an infrastructure error). */
  infrastructureErrors: number;
  warnings: number;
  successes: number;
  /** FAILURE when the policy failed; ERROR when nothing failed but something could not be checked. */
  result: TestResult;
}

export function gateTotals(report: Report): GateTotals {
  let violations = 0;
  let failingComponents = 0;
  let infrastructureErrors = 0;
  let warnings = 0;
  let successes = 0;
  for (const c of report.components) {
    const own = policyViolations(c).length;
    violations += own;
    if (own > 0) failingComponents++;
    if (c.infrastructureError) infrastructureErrors++;
    warnings += c.warnings?.length ?? 0;
    successes += successCount(c);
  }
  // A component that failed without a policy violation nor an infrastructure error still fails.
  const otherFailure = report.components.some((c) => !c.success && !c.infrastructureError && policyViolations(c).length === 0);
  const result: TestResult =
    violations > 0 || otherFailure ? 'FAILURE' : infrastructureErrors > 0 ? 'ERROR' : warnings > 0 ? 'WARNING' : successes === 0 ? 'SKIPPED' : 'SUCCESS';
  return { components: report.components.length, violations, failingComponents, infrastructureErrors, warnings, successes, result };
}
