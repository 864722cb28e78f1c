// `vouch merge-reports [--output FORMAT[=PATH]]… report.json…`: one report and one JUnit file from shards.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseFlags, type FlagTable } from '../config/flags.ts';
import { ExitCode, InputError, errorMessage } from '../errors.ts';
import { mergeReports } from '../report/merge.ts';
import type { Report } from '../model/report.ts';
import { parseOutputTarget } from '../config/outputs.ts';
import { writeOutputs, type StdoutSink } from '../report/targets.ts';

const FLAGS = { output: { kind: 'slice', help: 'FORMAT[=PATH], repeatable (default: json to stdout)' } } as const satisfies FlagTable;

export async function runMergeReports(argv: string[], io: { stdout: StdoutSink; cwd: string }): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  const files = flags.positionals.map((f) => resolve(io.cwd, f));
  const reports: Report[] = [];
  for (const f of files) {
    try {
      reports.push(JSON.parse(await readFile(f, 'utf8')) as Report);
    } catch (err) {
      throw new InputError('MERGE_UNREADABLE', `${f}: ${errorMessage(err)}`, { value: f, cause: err });
    }
  }
  const report = mergeReports(reports, files);
  const targets = flags.values.output.map((t) => parseOutputTarget(t));
  await writeOutputs(
    { report, policyInputs: [], createdAt: new Date(), color: false, showSuccesses: true, showWarnings: true, showPolicyDocsLink: false },
    targets.length > 0 ? targets : [{ format: 'json' }],
    io.stdout,
    io.cwd,
  );
  return report.success ? ExitCode.Ok : ExitCode.PolicyFailed;
}
