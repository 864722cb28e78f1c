// One report model → every output format.
import { dump } from 'js-yaml';
import type { Format, RenderContext } from '../model/output.ts';
import { ecReport } from './ec-json.ts';
import { renderAppStudio } from './formats/appstudio.ts';
import { renderJUnit } from './formats/junit.ts';
import { renderSummary, renderSummaryMarkdown } from './formats/summary.ts';
import { renderText } from './formats/text.ts';
import { SHARD_FIELD, shardStamp } from './merge.ts';

export function render(format: Format, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      // A shard's report also carries what `vouch merge-reports` needs (after ec's fields).
      return JSON.stringify(
        ctx.shard ? { ...ecReport(ctx.report), [SHARD_FIELD]: shardStamp(ctx.report, ctx.shard, ctx.componentsFile, ctx.showSuccesses) } : ecReport(ctx.report),
      );
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
      return renderJUnit(ctx.report, {
        createdAt: ctx.createdAt,
        ...(ctx.warningsAsPasses ? { warningsAsPasses: true } : {}),
        ...(ctx.componentsFile ? { componentsFile: ctx.componentsFile } : {}),
        ...(ctx.ecJUnit ? { ec: true } : {}),
      });
    case 'attestation':
      return ctx.policyInputs.flatMap((i) => i.attestations.map((a) => JSON.stringify(a.statement))).join('\n');
    case 'policy-input':
      return ctx.policyInputs.map((i) => JSON.stringify(i)).join('\n');
  }
}
