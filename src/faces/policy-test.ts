// `vouch policy test [paths…] [--data PATH] [--run REGEX] [--verbose]`: a policy's unit tests, as
// `ec opa test` runs them, on vouch's own wasm path. Exit 0 when every test passes, 1 when one fails,
// errs or is skipped (as ec), 2 for bad input.
import { availableParallelism } from 'node:os';
import { defaultCacheDir } from '../config/run-options.ts';
import { parseFlags, type FlagTable } from '../config/flags.ts';
import { ExitCode, InputError } from '../errors.ts';
import { prettyReport } from '../policy/test/report.ts';
import { runPolicyTests } from '../policy/test/run.ts';

const FLAGS = {
  data: { short: 'd', kind: 'slice', help: "Data file or directory, read as a policy source's data (repeatable)" },
  run: { short: 'r', kind: 'string', help: 'Run only tests whose data.<package>.<name> matches this regular expression' },
  verbose: { short: 'v', kind: 'bool', help: 'List every test, passing ones too' },
  parallel: { short: 'p', kind: 'string', help: 'Test packages compiled at once (default: the number of CPUs, at most 4)' },
  opa: { kind: 'string', help: 'Path of the opa binary' },
  'cache-dir': { kind: 'string', help: 'Cache directory' },
} as const satisfies FlagTable;

function parallelism(text: string): number {
  if (text === '') return Math.min(4, availableParallelism());
  if (!/^[1-9]\d{0,2}$/.test(text))
    throw new InputError('INVALID_FLAG_VALUE', `--parallel=${text}: expected a whole number from 1 to 999`, { value: '--parallel' });
  return Number(text);
}

export async function runPolicyTest(
  argv: string[],
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown }; cwd: string },
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { values: flags, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length === 0) {
    throw new InputError(
      'POLICY_TEST_USAGE',
      "vouch policy test needs the policy's paths (directories or .rego/.json/.yaml files), e.g. vouch policy test policy/",
      { value: argv.join(' ') },
    );
  }
  const { verbose } = flags;
  const results = await runPolicyTests({
    paths: positionals,
    dataPaths: flags.data,
    run: flags.run,
    cwd: io.cwd,
    cacheDir: flags['cache-dir'] || defaultCacheDir(env),
    env,
    parallel: parallelism(flags.parallel),
    ...(flags.opa ? { opaPath: flags.opa } : {}),
    ...(verbose ? { log: (m: string) => io.stderr.write(`${m}\n`) } : {}),
  });
  io.stdout.write(prettyReport(results, verbose));
  return results.every((r) => r.outcome === 'PASS') ? ExitCode.Ok : ExitCode.PolicyFailed;
}
