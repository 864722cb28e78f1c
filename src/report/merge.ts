// Joins reports of shards (`vouch validate image --shard I/N`) into the report a single run gives.
import { InputError } from '../errors.ts';
import type { ComponentReport, Report } from '../model/report.ts';

export function mergeReports(reports: Report[], origins: string[]): Report {
  const first = reports[0];
  if (!first) throw new InputError('MERGE_NOTHING', 'vouch merge-reports needs at least one JSON report', { value: origins });
  for (const [i, r] of reports.entries()) {
    if (!Array.isArray(r.components)) throw new InputError('MERGE_NOT_A_REPORT', `${origins[i]}: not a vouch/ec JSON report (no components)`, { value: origins[i] });
    if (r.key !== first.key || JSON.stringify(r.policy) !== JSON.stringify(first.policy)) {
      throw new InputError('MERGE_MISMATCH', `${origins[i]}: made with another key or policy than ${origins[0]}; only shards of one run can be merged`, { value: origins[i] });
    }
  }
  const components: ComponentReport[] = reports.flatMap((r) => r.components);
  // ec's report order: containerImage descending.
  components.sort((a, b) => (a.containerImage < b.containerImage ? 1 : a.containerImage > b.containerImage ? -1 : 0));
  return { ...first, success: components.every((c) => c.success), components };
}
