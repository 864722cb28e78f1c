// `summary` (condensed JSON) and `summary-markdown`
// (conforma/cli a18338416237 internal/applicationsnapshot/report.go toSummary, generateMarkdownSummary). Pure.
import { successCount, totals } from '../counts.ts';
import type { Report } from '../../model/report.ts';
import type { RuleResult } from '../../model/results.ts';

function byCode(results: RuleResult[] | undefined): Record<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const r of results ?? []) {
    const code = r.metadata?.code;
    if (typeof code !== 'string' || code === '') continue;
    grouped.set(code, [...(grouped.get(code) ?? []), r.msg]);
  }
  const out: Record<string, string[]> = {};
  for (const [code, msgs] of grouped) {
    out[code] = msgs.length > 1 ? [msgs[0]!, `There are ${msgs.length - 1} more "${code}" messages`] : msgs;
  }
  return out;
}

/** ec never sets the summary's top-level success to true (a bug); vouch reports the real value. */
export function renderSummary(report: Report): string {
  return JSON.stringify({
    ...(report.snapshot ? { snapshot: report.snapshot } : {}),
    components: report.components.map((c) => ({
      name: c.name,
      success: c.success,
      violations: byCode(c.violations),
      warnings: byCode(c.warnings),
      successes: byCode(c.successes),
      total_violations: c.violations?.length ?? 0,
      total_warnings: c.warnings?.length ?? 0,
      total_successes: successCount(c),
    })),
    success: report.success,
    key: report.key,
  });
}

function utc(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

export function renderSummaryMarkdown(report: Report, createdAt: Date): string {
  const t = totals(report);
  const icon = (ok: boolean): string => (ok ? ':white_check_mark:' : ':x:');
  return [
    '| Field | Value |Status|',
    '|-------|-------|------|',
    `| Time | ${utc(createdAt)} | |`,
    `| Successes | ${t.successes} | ${icon(true)} |`,
    `| Failures | ${t.failures} | ${icon(t.failures === 0)} |`,
    `| Warnings | ${t.warnings} | ${icon(t.warnings === 0)} |`,
    `| Result | ${t.result} | ${icon(t.result === 'SUCCESS' || t.result === 'WARNING')} |`,
  ].join('\n');
}
