// `--output FORMAT[=PATH][?show-successes=…&show-warnings=…&show-policy-docs-link=…]`, as ec's
// flag reads it (conforma/cli internal/format/target.go), checked before the run: a target that
// cannot be written is an error now, not after minutes of verification.
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { FORMATS, isFormat, type Format } from '../model/output.ts';
import { assertWritableFile } from '../util/files.ts';
import type { OutputTarget } from './types.ts';

export function assertFormat(f: string): Format {
  if (!isFormat(f)) {
    throw new InputError('UNKNOWN_OUTPUT_FORMAT', `--output ${f}: unknown format; use one of ${FORMATS.filter((x) => x !== 'hacbs').join(', ')}`, { value: f });
  }
  return f;
}

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
      if (k === 'format' && target.format === 'junit' && v === 'ec') {
        target.ecFormat = true;
        continue;
      }
      const field = BOOL_OPTS[k];
      if (!field || !['true', 'false'].includes(v)) {
        throw new InputError(
          'INVALID_OUTPUT_OPTION',
          `--output ${text}: option ${k}=${v} is not one of ${Object.keys(BOOL_OPTS).join(', ')} with true/false${target.format === 'junit' ? ', or format=ec' : ''}`,
          { value: text },
        );
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
      throw new InputError('OUTPUT_UNWRITABLE', `${flag} ${t.format}=${t.path}: cannot write ${path}: ${errorMessage(err)}`, { value: t.path, cause: err });
    }
  }
}
