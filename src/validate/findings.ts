// What one component's steps found: builtin and policy results, and the infrastructure error
// behind a failure, turned into the component's report in ec's field order.
import type { ComponentReport, InfrastructureError } from '../model/report.ts';
import type { RuleResult } from '../model/results.ts';
import type { PolicyOutcome } from '../policy/types.ts';
import { sortResults } from '../policy/rules/order.ts';

/** A builtin check's result: a success or a violation. */
export interface Verdict {
  pass: boolean;
  result: RuleResult;
}

/** The evidence the report shows besides results: the verified signatures and attestations. */
export type Evidence = Pick<ComponentReport, 'signatures' | 'attestations'>;

export class Findings {
  readonly violations: RuleResult[] = [];
  readonly warnings: RuleResult[] = [];
  readonly successes: RuleResult[] = [];
  /** Policy successes counted even when not shown (TEST_OUTPUT counts them). */
  private hiddenSuccesses = 0;
  /** The first registry failure met: the component is marked, never passed. */
  infrastructureError: InfrastructureError | undefined;

  add(verdict: Verdict): boolean {
    (verdict.pass ? this.successes : this.violations).push(verdict.result);
    return verdict.pass;
  }

  addPolicy(outcome: PolicyOutcome): void {
    this.violations.push(...outcome.violations);
    this.warnings.push(...outcome.warnings);
    this.successes.push(...outcome.successes);
    this.hiddenSuccesses = outcome.successCount - outcome.successes.length;
  }

  /** The component's report: it succeeds when nothing was violated. */
  report(base: ComponentReport, evidence: Evidence, showSuccesses: boolean): ComponentReport {
    const violations = sortResults(this.violations);
    return {
      ...base,
      ...(violations.length > 0 ? { violations } : {}),
      ...(this.warnings.length > 0 ? { warnings: sortResults(this.warnings) } : {}),
      ...(showSuccesses && this.successes.length > 0 ? { successes: sortResults(this.successes) } : {}),
      success: violations.length === 0,
      ...evidence,
      successCount: this.successes.length + this.hiddenSuccesses,
      ...(this.infrastructureError ? { infrastructureError: this.infrastructureError } : {}),
    };
  }
}
