// Writes a run's reports to every `--output` target (parsed and checked by config/outputs.ts).
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { OutputTarget } from '../config/types.ts';
import { InputError, errorMessage } from '../errors.ts';
import { makeDirectory } from '../util/files.ts';
import { render } from './render.ts';
import { assertFormat } from '../config/outputs.ts';
import type { Format, RenderContext } from '../model/output.ts';

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
    const local: RenderContext = {
      ...ctx,
      showSuccesses: t.showSuccesses ?? ctx.showSuccesses,
      showWarnings: t.showWarnings ?? ctx.showWarnings,
      showPolicyDocsLink: t.showPolicyDocsLink ?? ctx.showPolicyDocsLink,
      warningsAsPasses: t.warningsAsPasses ?? ctx.warningsAsPasses ?? false,
      // A file is never coloured unless colour was forced for the run.
      color: t.path ? false : ctx.color,
    };
    const format = assertFormat(t.format);
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
