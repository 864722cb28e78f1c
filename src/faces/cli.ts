// The command-line face: `vouch validate image …` (ec's flags), `vouch policy build …`, `vouch version`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, InputError, errorMessage, exitCodeOf } from '../errors.ts';
import { expectedComponents, isCiLog, progressMode, startProgress } from '../report/progress.ts';
import type { StdoutSink } from '../report/targets.ts';
import { VERSION } from '../version.ts';
import { runnerSafeIO, type TextWriter } from '../report/runner-commands.ts';

export interface CliIO {
  /** Reports printed to stdout pass its `guard` when it has one (under the GitHub runner). */
  stdout: StdoutSink & { isTTY?: boolean };
  /** Progress goes here (a live line when it is a terminal). */
  stderr: TextWriter & { isTTY?: boolean };
  cwd: string;
}

const USAGE = `vouch ${VERSION}: verify container image signatures, attestations and policy (ec-compatible)

Usage:
  vouch validate image [flags]     Validate images of a snapshot against a policy
  vouch validate vsa [IMAGE|FILE] [flags]
                                   Verify an image's VSAs, or a VSA file, as a re-run trusts them
  vouch policy build --policy P --output bundle.tar.gz
                                   Pre-compile a policy so runs need no opa
  vouch policy test [paths…] [--data PATH] [--run REGEX] [--verbose]
                                   Run a policy's unit tests (its test_ rules), as ec opa test
  vouch merge-reports [--output FORMAT[=PATH]] shard1.json shard2.json …
                                   Join the JSON reports of --shard runs
  vouch version                    Print the version

Run 'vouch validate image --help' (or 'vouch validate vsa --help') for its flags.`;

const COMMANDS = ['validate image', 'validate vsa', 'policy build', 'policy test', 'merge-reports', 'version'];

/** Levenshtein distance, for did-you-mean. Pure. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** ` (did you mean 'vouch validate vsa'?)` for a command a typo or two away from a known one, else ''. */
export function didYouMean(cmd: string, sub = ''): string {
  const scored = COMMANDS.map((c) => ({ c, d: distance(c.includes(' ') ? `${cmd} ${sub}` : cmd, c) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d > 0 && best.d <= 2 ? ` (did you mean 'vouch ${best.c}'?)` : '';
}

/** The embedded demo: a signed image in an OCI layout shipped with the repository, verified offline. */
export function demoArgs(): { argv: string[]; cwd: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  // Both dist/index.js and src/faces/cli.ts sit one or two levels under the root; find examples/ from either.
  const repo = root.endsWith('/src') ? dirname(root) : root;
  const demo = join(repo, 'examples', 'demo');
  return {
    cwd: repo,
    argv: [
      '--images',
      join(demo, 'components.yaml'),
      '--public-key',
      join(demo, 'cosign.pub'),
      '--policy',
      join(demo, 'policy.yaml'),
      '--ignore-rekor',
      '--show-successes',
      '--info',
      '--effective-time',
      'now',
    ],
  };
}

function printError(err: unknown, io: CliIO, debug: boolean): number {
  const message = errorMessage(err);
  io.stderr.write(`Error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return exitCodeOf(err);
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, cliIO: CliIO): Promise<number> {
  const io = env.GITHUB_ACTIONS === 'true' ? runnerSafeIO(cliIO) : cliIO;
  // `policy test --verbose` lists tests (as opa test -v); it is no debug switch.
  const debug = argv.includes('--debug') || (argv[0] !== 'policy' && argv.includes('--verbose'));
  try {
    const [cmd, sub, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return cmd === undefined ? ExitCode.BadInput : ExitCode.Ok;
    }
    if (cmd === '--version' || cmd === 'version') {
      io.stdout.write(`vouch ${VERSION}\n`);
      return ExitCode.Ok;
    }
    if (cmd === 'policy' && sub === 'build') return await (await import('./policy-build.ts')).runPolicyBuild(rest, io, env);
    if (cmd === 'policy' && sub === 'test') return await (await import('./policy-test.ts')).runPolicyTest(rest, io, env);
    if (cmd === 'merge-reports') return await (await import('./merge-reports.ts')).runMergeReports(argv.slice(1), io);
    if (cmd === 'validate' && sub === 'vsa') {
      const log = debug ? (m: string) => io.stderr.write(`debug: ${m}\n`) : () => undefined;
      return await (await import('./validate-vsa.ts')).runValidateVsa(rest, io, env, log);
    }
    if (cmd !== 'validate' || sub !== 'image') {
      throw new InputError(
        'UNKNOWN_COMMAND',
        `unknown command ${JSON.stringify([cmd, sub].filter(Boolean).join(' '))}${didYouMean(cmd, sub)}; run 'vouch --help'`,
        {
          value: cmd,
        },
      );
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const [{ VALIDATE_IMAGE_FLAGS }, { formatFlagHelp }] = await Promise.all([import('../config/validate-image-flags.ts'), import('../config/flags.ts')]);
      io.stdout.write(
        `Usage: vouch validate image [flags]\n\nFlags:\n${formatFlagHelp(VALIDATE_IMAGE_FLAGS)}\n      --demo                                 Validate the embedded signed demo image (offline)\n`,
      );
      return ExitCode.Ok;
    }
    let args = rest;
    let cwd = io.cwd;
    if (rest.includes('--demo')) {
      const demo = demoArgs();
      args = [...demo.argv, ...rest.filter((a) => a !== '--demo')];
      cwd = demo.cwd;
    }
    // Loaded on demand, with the report writers: `--help` and `version` need neither.
    const { parseValidateArgs, validateAndReport } = await import('../validate/entry.ts');
    const inv = await parseValidateArgs(args, env, cwd);
    const log = inv.extras.debug ? (m: string) => io.stderr.write(`debug: ${m}\n`) : () => undefined;
    // Debug lines would tear a live line: no progress with --debug.
    const progress = startProgress({
      mode: progressMode({ quiet: inv.extras.quiet === true || inv.extras.debug, stderrIsTTY: cliIO.stderr.isTTY === true, ciLog: isCiLog(env) }),
      total: expectedComponents(inv.config.snapshot.components.length, inv.config.shard),
      write: (text) => io.stderr.write(text),
    });
    // The live line is cleared before a report is printed on the same terminal.
    const { stdout } = io;
    const reportIO = {
      stdout: {
        write: (text: string) => {
          progress.stop();
          return stdout.write(text);
        },
        ...(stdout.guard ? { guard: stdout.guard } : {}),
        ...(stdout.isTTY !== undefined ? { isTTY: stdout.isTTY } : {}),
      },
    };
    let result: Awaited<ReturnType<typeof validateAndReport>>;
    try {
      result = await validateAndReport(inv, reportIO, env, log, { onComponentDone: progress.componentDone });
    } finally {
      progress.stop();
    }
    if (result.exitCode !== ExitCode.Ok) io.stderr.write('Error: success criteria not met\n');
    return result.exitCode;
  } catch (err) {
    return printError(err, io, debug);
  }
}
