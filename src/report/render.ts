// One report model → every output format.
import { dump } from 'js-yaml';
import { InputError } from '../errors.ts';
import type { PolicyInput } from '../policy/input.ts';
import { ecReport } from './ec-json.ts';
import { renderAppStudio } from './formats/appstudio.ts';
import { renderJUnit } from './formats/junit.ts';
import { renderSummary, renderSummaryMarkdown } from './formats/summary.ts';
import { renderText } from './formats/text.ts';
import type { Report } from './model.ts';

export interface RenderContext {
  report: Report;
  policyInputs: PolicyInput[];
  createdAt: Date;
  color: boolean;
  showSuccesses: boolean;
  showWarnings: boolean;
  showPolicyDocsLink: boolean;
  warningsAsPasses?: boolean;
}

export const FORMATS = ['json', 'yaml', 'text', 'summary', 'summary-markdown', 'appstudio', 'hacbs', 'junit', 'attestation', 'policy-input'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(f: string): f is Format {
  return (FORMATS as readonly string[]).includes(f);
}

export function render(format: Format, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      return JSON.stringify(ecReport(ctx.report));
    case 'yaml':
      return dump(ecReport(ctx.report), { sortKeys: true, lineWidth: -1, noRefs: true });
    case 'text':
      return renderText(ctx);
    case 'summary':
      return renderSummary(ctx.report);
    case 'summary-markdown':
      return renderSummaryMarkdown(ctx.report, ctx.createdAt);
    case 'appstudio':
    case 'hacbs':
      return renderAppStudio(ctx.report, ctx.createdAt);
    case 'junit':
      return renderJUnit(ctx.report, { createdAt: ctx.createdAt, ...(ctx.warningsAsPasses ? { warningsAsPasses: true } : {}) });
    case 'attestation':
      return ctx.policyInputs.flatMap((i) => i.attestations.map((a) => JSON.stringify(a.statement))).join('\n');
    case 'policy-input':
      return ctx.policyInputs.map((i) => JSON.stringify(i)).join('\n');
  }
}

export function assertFormat(f: string): Format {
  if (!isFormat(f)) {
    throw new InputError('UNKNOWN_OUTPUT_FORMAT', `--output ${f}: unknown format; use one of ${FORMATS.filter((x) => x !== 'hacbs').join(', ')}`, { value: f });
  }
  return f;
}
