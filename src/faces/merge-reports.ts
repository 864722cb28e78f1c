// `vouch merge-reports [--output FORMAT[=PATH]]… shard.json…`: the reports of a single run, from the
// JSON reports of its `--shard I/N` runs (every shard once, all of one snapshot: see report/merge.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseFlags, type FlagTable } from '../config/flags.ts';
import { parseOutputTarget } from '../config/outputs.ts';
import { ExitCode, InputError, errorMessage } from '../errors.ts';
import { mergeShards, parseShardReport, type ShardReport } from '../report/merge.ts';
import { writeOutputs, type StdoutSink } from '../report/targets.ts';

const FLAGS = { output: { kind: 'slice', help: 'FORMAT[=PATH], repeatable (default: json to stdout)' } } as const satisfies FlagTable;

export async function runMergeReports(argv: string[], io: { stdout: StdoutSink; cwd: string }): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  const targets = flags.values.output.map((t) => parseOutputTarget(t));
  const shards: ShardReport[] = [];
  for (const f of flags.positionals.map((p) => resolve(io.cwd, p))) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (err) {
      throw new InputError('MERGE_UNREADABLE', `${f}: ${errorMessage(err)}`, { value: f, cause: err });
    }
    shards.push(parseShardReport(text, f));
  }
  const { report, showSuccesses, componentsFile } = mergeShards(shards);
  await writeOutputs(
    {
      report,
      ...(componentsFile ? { componentsFile } : {}),
      policyInputs: [],
      createdAt: new Date(),
      color: false,
      showSuccesses,
      showWarnings: true,
      showPolicyDocsLink: false,
    },
    targets.length > 0 ? targets : [{ format: 'json' }],
    io.stdout,
    io.cwd,
  );
  return report.success ? ExitCode.Ok : ExitCode.PolicyFailed;
}
