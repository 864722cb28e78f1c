// ec's `text` report (conforma/cli a18338416237 internal/applicationsnapshot/templates/text_report.tmpl):
// header, component summary, then violations, warnings and
// successes, wrapped at 130 columns with a 2-space indent. Pure.
import type { VsaEvidence } from '../../model/report.ts';
import type { RuleResult } from '../../model/results.ts';
import { successCount, totals } from '../counts.ts';
import type { RenderContext } from '../../model/output.ts';
import { jsonText } from '../../util/json-shapes.ts';

const WRAP = 130;
const INDENT = '  ';
type Kind = 'Violation' | 'Warning' | 'Success';
const INDICATOR: Record<Kind, string> = { Violation: '✕', Warning: '›', Success: '✓' };
const COLOR: Record<Kind, number> = { Violation: 31, Warning: 33, Success: 32 };

/**
 * Colour decision: --no-color or *NO_COLOR* variables turn it off, --color or *FORCE_COLOR* on,
 * else only when the text goes to a terminal. (ec looks at stdout's TTY even when the text target
 * is a file; vouch never colours a file unless forced.)
 */
export function shouldColor(env: NodeJS.ProcessEnv, isTTY: boolean, flag?: boolean): boolean {
  if (flag === false) return false;
  if (['EC_NO_COLOR', 'EC_NO_COLOUR', 'NO_COLOR', 'NO_COLOUR'].some((k) => env[k] !== undefined && env[k] !== '')) return false;
  if (flag === true) return true;
  if (['EC_FORCE_COLOR', 'EC_FORCE_COLOUR', 'FORCE_COLOR', 'FORCE_COLOUR'].some((k) => env[k] !== undefined && env[k] !== '' && env[k] !== '0')) return true;
  return isTTY;
}

/** Word-wraps at `width` columns, continuation lines indented like the first. */
export function indentWrap(text: string, width = WRAP, indent = INDENT): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    out.push(indent + line);
  }
  return out.join('\n');
}

function results(ctx: RenderContext, kind: Kind, color: boolean): string {
  let out = '';
  for (const c of ctx.report.components) {
    const list: RuleResult[] = (kind === 'Violation' ? c.violations : kind === 'Warning' ? c.warnings : c.successes) ?? [];
    for (const r of list) {
      const code = jsonText(r.metadata?.code);
      const label = `[${kind}] ${code}`;
      out += color ? `\x1b[${COLOR[kind]}m${INDICATOR[kind]}\x1b[0m \x1b[${COLOR[kind]}m${label}\x1b[0m\n` : `${INDICATOR[kind]} ${label}\n`;
      if (c.containerImage) out += `${INDENT}ImageRef: ${c.containerImage}\n`;
      if (kind !== 'Success' && r.msg) out += `${indentWrap(`Reason: ${r.msg}`)}\n`;
      const term = r.metadata?.term;
      if (typeof term === 'string' && term !== '') out += `${indentWrap(`Term: ${term}`)}\n`;
      else if (Array.isArray(term) && term.length > 0) out += `${indentWrap(`Terms: ${term.join(', ')}`)}\n`;
      if (r.metadata?.title) out += `${indentWrap(`Title: ${r.metadata.title}`)}\n`;
      if (r.metadata?.description) out += `${indentWrap(`Description: ${r.metadata.description}`)}\n`;
      if (kind !== 'Success' && r.metadata?.solution) out += `${indentWrap(`Solution: ${jsonText(r.metadata.solution)}`)}\n`;
      out += '\n';
    }
  }
  return out;
}

/** vouch's line for a component reported from a VSA instead of validated again. */
const vsaLine = (v: VsaEvidence): string =>
  `VSA: reported from ${v.digest} (${v.source}), signed by ${v.signer}, verified ${v.timeVerified}, policy ${v.policyDigest}`;

export function renderText(ctx: RenderContext): string {
  const t = totals(ctx.report);
  const comps = ctx.report.components;
  let out = `Success: ${ctx.report.success}\nResult: ${t.result}\nViolations: ${t.failures}, Warnings: ${t.warnings}, Successes: ${t.successes}\n`;
  if (comps.length > 1) {
    // ec's _components.tmpl leaves the newline after its comment: a blank line before the list.
    out += '\nComponents:\n';
    for (const c of comps) {
      out += `- Name: ${c.name}\n  ImageRef: ${c.containerImage}\n${c.vsa ? `  ${vsaLine(c.vsa)}\n` : ''}  Violations: ${c.violations?.length ?? 0}, Warnings: ${c.warnings?.length ?? 0}, Successes: ${successCount(c)}\n\n`;
    }
  } else {
    for (const c of comps) out += `Component: ${c.name}\nImageRef: ${c.containerImage}\n${c.vsa ? `${vsaLine(c.vsa)}\n` : ''}\n`;
  }
  const showWarnings = ctx.showWarnings && t.warnings > 0;
  const showSuccesses = ctx.showSuccesses && comps.some((c) => (c.successes?.length ?? 0) > 0);
  if (t.failures > 0 || showWarnings || showSuccesses) {
    out += 'Results:\n';
    if (t.failures > 0) out += results(ctx, 'Violation', ctx.color);
    if (showWarnings) out += results(ctx, 'Warning', ctx.color);
    if (showSuccesses) out += results(ctx, 'Success', ctx.color);
  }
  if (ctx.showPolicyDocsLink && (t.failures > 0 || showWarnings)) {
    out += 'For more information about policy issues, see the policy documentation: https://conforma.dev/docs/policy/\n';
  }
  return out;
}
