// `--output FORMAT[=PATH][?show-successes=…&show-warnings=…&show-policy-docs-link=…]` (ec-cli.md §1.4).
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { OutputTarget } from '../config/types.ts';
import { InputError, errorMessage } from '../errors.ts';
import { assertWritableFile, makeDirectory } from '../util/files.ts';
import { assertFormat, render, type Format, type RenderContext } from './render.ts';

const BOOL_OPTS: Record<string, keyof OutputTarget> = {
  'show-successes': 'showSuccesses',
  'show-warnings': 'showWarnings',
  'show-policy-docs-link': 'showPolicyDocsLink',
  'warnings-as-passes': 'warningsAsPasses',
};

export function parseOutputTarget(text: string): OutputTarget {
  const q = text.indexOf('?');
  const main = q === -1 ? text : text.slice(0, q);
  const eq = main.indexOf('=');
  const format = (eq === -1 ? main : main.slice(0, eq)) || 'json';
  const path = eq === -1 ? '' : main.slice(eq + 1);
  const target: OutputTarget = { format: assertFormat(format) };
  if (path !== '') target.path = path;
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(text.slice(q + 1))) {
      const field = BOOL_OPTS[k];
      if (!field || !['true', 'false'].includes(v)) {
        throw new InputError('INVALID_OUTPUT_OPTION', `--output ${text}: option ${k}=${v} is not one of ${Object.keys(BOOL_OPTS).join(', ')} with true/false`, { value: text });
      }
      (target as unknown as Record<string, boolean>)[field] = v === 'true';
    }
  }
  return target;
}

/** Fails before the run when a target file cannot be written, naming the target (a run must not verify for minutes, then fail to report). */
export async function assertOutputsWritable(targets: OutputTarget[], cwd: string, flag = '--output'): Promise<void> {
  for (const t of targets) {
    if (!t.path) continue;
    const path = resolve(cwd, t.path);
    try {
      await assertWritableFile(path);
    } catch (err) {
      throw new InputError('OUTPUT_UNWRITABLE', `${flag} ${t.format}=${t.path}: cannot write ${path}: ${errorMessage(err)}`, { value: t.path });
    }
  }
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
