// Writes a run's reports to every `--output` target (parsed and checked by config/outputs.ts).
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { OutputTarget } from '../config/types.ts';
import { InputError, errorMessage } from '../errors.ts';
import { makeDirectory } from '../util/files.ts';
import { render } from './render.ts';
import { assertFormat } from '../config/outputs.ts';
import type { Format, RenderContext } from '../model/output.ts';
import type { Report } from '../model/report.ts';

/**
 * Successes are collected beyond `--show-successes` when a report needs them: vouch's JUnit lists
 * the checks a passing run made, a shard's JSON carries them for the joined JUnit, and a target's
 * `show-successes=true` gets them without the flag. Every other target shows them only as asked
 * (`--show-successes`, or the target's `show-successes`), in every format.
 */
export function successesNeeded(run: { showSuccesses: boolean; outputs: OutputTarget[]; shard?: unknown }): boolean {
  return run.showSuccesses || run.shard !== undefined || run.outputs.some((t) => t.showSuccesses === true || (t.format === 'junit' && !t.ecFormat));
}

/** Whether a target renders the components' policy inputs (`policy-input`, and `attestation`, their statements). */
export function policyInputsNeeded(outputs: OutputTarget[]): boolean {
  return outputs.some((t) => t.format === 'policy-input' || t.format === 'attestation');
}

function keepsSuccesses(t: OutputTarget, format: Format, ctx: RenderContext): boolean {
  if (format === 'junit' && !t.ecFormat) return true;
  if (format === 'json' && ctx.shard) return true;
  return t.showSuccesses ?? ctx.showSuccesses;
}

/** The report without successes (still counted: TEST_OUTPUT and text count them). */
function withoutSuccesses(report: Report): Report {
  return {
    ...report,
    components: report.components.map(({ successes, ...c }) => ({ ...c, successCount: c.successCount ?? successes?.length ?? 0 })),
  };
}

/** Where stdout targets are printed. A face's `guard` makes each format's text safe for what reads that stdout (the GitHub runner). */
export interface StdoutSink {
  write(text: string): unknown;
  guard?: (text: string, format: Format) => string;
}

/** Writes every target in order (files re-created, each ending in a newline); `text` to stdout when none. */
export async function writeOutputs(ctx: RenderContext, targets: OutputTarget[], stdout: StdoutSink, cwd = process.cwd()): Promise<void> {
  const list = targets.length > 0 ? targets : [{ format: 'text' }];
  const errors: string[] = [];
  for (const t of list) {
    const format = assertFormat(t.format);
    const local: RenderContext = {
      ...ctx,
      ...(keepsSuccesses(t, format, ctx) ? {} : { report: withoutSuccesses(ctx.report) }),
      ...(t.ecFormat ? { ecJUnit: true } : {}),
      showSuccesses: t.showSuccesses ?? ctx.showSuccesses,
      showWarnings: t.showWarnings ?? ctx.showWarnings,
      showPolicyDocsLink: t.showPolicyDocsLink ?? ctx.showPolicyDocsLink,
      warningsAsPasses: t.warningsAsPasses ?? ctx.warningsAsPasses ?? false,
      // A file is never coloured unless colour was forced for the run.
      color: t.path ? false : ctx.color,
    };
    let text = render(format, local);
    if (!text.endsWith('\n')) text += '\n';
    if (!t.path) {
      stdout.write(stdout.guard ? stdout.guard(text, format) : text);
      continue;
    }
    const path = resolve(cwd, t.path);
    try {
      await makeDirectory(dirname(path));
      await writeFile(path, text);
    } catch (err) {
      errors.push(`${path}: ${errorMessage(err)}`);
    }
  }
  if (errors.length > 0) throw new InputError('OUTPUT_WRITE_FAILED', `could not write outputs:\n  ${errors.join('\n  ')}`, { value: errors });
}
