// Totals shared by TEST_OUTPUT, text, summaries and job summaries
// (conforma/cli a18338416237 internal/applicationsnapshot/report.go). Pure.
import type { ComponentReport, Report } from '../model/report.ts';

export type TestResult = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'ERROR';

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
