// TEST_OUTPUT (`appstudio`, alias `hacbs`): the Konflux/Tekton test result
// (conforma/cli a18338416237 internal/applicationsnapshot/report.go toAppstudioReport). Pure.
import { totals } from '../counts.ts';
import type { Report } from '../../model/report.ts';

const unixSeconds = (d: Date): string => String(Math.floor(d.getTime() / 1000));

export function renderAppStudio(report: Report, createdAt: Date): string {
  const t = totals(report);
  return JSON.stringify({
    timestamp: unixSeconds(createdAt),
    namespace: '',
    successes: t.successes,
    failures: t.failures,
    warnings: t.warnings,
    result: t.result,
  });
}

/** TEST_OUTPUT for a run that could not finish: still schema-valid, with the reason in `note`. */
export function renderTestOutputError(note: string, createdAt: Date): string {
  return JSON.stringify({
    timestamp: unixSeconds(createdAt),
    namespace: '',
    successes: 0,
    failures: 0,
    warnings: 0,
    result: 'ERROR',
    note: `Error: ${note}`.slice(0, 1000),
  });
}
