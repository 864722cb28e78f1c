// The GitHub face's words: the headline (the first annotation, the summary's first line) and the
// job summary, Markdown and HTML that GitHub renders. Every untrusted field is escaped
// (markdownText). The runner refuses a summary file larger than 1 MiB in bytes and then shows none
// of it (actions/runner src/Runner.Worker/FileCommandManager.cs, CreateStepSummaryCommand:
// AttachmentSizeLimit = 1024 * 1024 against FileInfo.Length; commit
// 258d6c857db3519913f7deb6004b60172f8043ae): the summary is built under a byte budget, whole
// blocks at a time, and says what it left out. Pure.
import type { ComponentReport, Report } from '../model/report.ts';
import { gateTotals, policyViolations, type GateTotals } from './counts.ts';
import { markdownText } from './escape.ts';
import { jsonText } from '../util/json-shapes.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Room left for the runner's rewriting (secret masking may lengthen a line) and for the closing note. */
const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 64 * 1024;
/** Rows of one component shown; the rest are counted (the JSON report has them all). */
const ROWS_PER_COMPONENT = 50;
/** Characters of one cell before escaping (escaping may make each up to 5 bytes). */
const CELL_CHARS = 1000;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function clip(s: string, max = CELL_CHARS): string {
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}
const cell = (s: string): string => markdownText(clip(s));

/** One sentence for the whole run: the first annotation and the summary's lead. Numbers and codes only. */
export function headline(t: GateTotals): string {
  const unchecked = t.infrastructureErrors > 0 ? `${plural(t.infrastructureErrors, 'component')} of ${t.components} could not be checked` : '';
  switch (t.result) {
    case 'FAILURE':
      return `vouch: ${plural(t.violations, 'violation')} in ${t.failingComponents} of ${plural(t.components, 'component')}${unchecked ? `; ${unchecked}` : ''}`;
    case 'ERROR':
      return `vouch: ${unchecked} (registry or network error); no policy violation in the others`;
    case 'WARNING':
      return `vouch: ${plural(t.components, 'component')} passed, with ${plural(t.warnings, 'warning')}`;
    case 'SKIPPED':
      return `vouch: no check ran on ${plural(t.components, 'component')}`;
    default:
      return `vouch: ${plural(t.components, 'component')} passed`;
  }
}

function uncheckedBlock(c: ComponentReport): string {
  const e = c.infrastructureError!;
  // The message after a fixed word: no line of the summary starts with untrusted text.
  return `<details><summary>⚠ ${cell(c.name)} — could not be checked (${cell(e.code)})</summary>\n\n<code>${cell(c.containerImage)}</code>\n\nError: ${cell(e.message)}\n\n</details>\n\n`;
}

function failingBlock(c: ComponentReport): string {
  const violations = policyViolations(c);
  const rows = violations
    .slice(0, ROWS_PER_COMPONENT)
    .map((v) => `| <code>${cell(jsonText(v.metadata?.code))}</code> | ${cell(v.msg)} | ${cell(jsonText(v.metadata?.solution))} |`);
  const more =
    violations.length > ROWS_PER_COMPONENT ? `\n\n_${violations.length - ROWS_PER_COMPONENT} more violation(s) of this component: see the JSON report._` : '';
  return `<details><summary>✕ ${cell(c.name)} — ${plural(violations.length, 'violation')}</summary>\n\n<code>${cell(c.containerImage)}</code>\n\n| Rule | Message | Solution |\n|---|---|---|\n${rows.join('\n')}${more}\n\n</details>\n\n`;
}

/** Totals, then the components that could not be checked, then one collapsible block per failing component, under 1 MiB in bytes. */
export function jobSummary(report: Report): string {
  const t = gateTotals(report);
  let out = `## vouch: ${t.result}\n\n${markdownText(headline(t))}\n\n| Components | Violations | Could not be checked | Warnings | Successes | Result |\n|---|---|---|---|---|---|\n| ${t.components} | ${t.violations} | ${t.infrastructureErrors} | ${t.warnings} | ${t.successes} | ${t.result} |\n\n`;
  const sections: { title: string; blocks: string[] }[] = [
    { title: 'Could not be checked', blocks: report.components.filter((c) => c.infrastructureError).map(uncheckedBlock) },
    { title: 'Failing components', blocks: report.components.filter((c) => policyViolations(c).length > 0).map(failingBlock) },
  ];
  let used = bytes(out);
  let left = 0;
  for (const s of sections) {
    if (s.blocks.length === 0) continue;
    const heading = `### ${s.title}\n\n`;
    if (left === 0 && used + bytes(heading) <= BUDGET_BYTES) {
      out += heading;
      used += bytes(heading);
    }
    for (const block of s.blocks) {
      const size = bytes(block);
      if (left === 0 && used + size <= BUDGET_BYTES) {
        out += block;
        used += size;
      } else left++;
    }
  }
  if (left > 0) out += `_${plural(left, 'more component')} not shown: GitHub shows no job summary over 1 MiB; see the JSON report._\n`;
  return out;
}

/** The summary of a run that stopped on an error (a configuration mistake, a missing tool): what stopped it, and what to fix. */
export function errorSummary(message: string, code: string | undefined): string {
  return `## vouch: ERROR\n\nvouch stopped${code ? ` (${cell(code)})` : ''}: ${cell(message)}\n\nFix what the message names (an input of the step, a file, the policy, the environment) and run the job again. No verdict was reached: nothing passed.\n`;
}
