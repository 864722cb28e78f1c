// The command-line face: `vouch validate image …` (ec's flags), `vouch policy build …`, `vouch version`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateInvocation } from '../config/run-config.ts';
import { ExitCode, InputError, VouchError, errorMessage } from '../errors.ts';
import type { StdoutSink } from '../report/targets.ts';
import type { ValidationResult } from '../validate/types.ts';
import { VERSION } from '../version.ts';
import { runnerSafeOutput, runnerSafeWriter, type TextWriter } from './runner-commands.ts';

export interface CliIO {
  /** Reports printed to stdout pass its `guard` when it has one (under the GitHub runner). */
  stdout: StdoutSink & { isTTY?: boolean };
  stderr: TextWriter;
  cwd: string;
}

/**
 * Under the GitHub runner (a `run:` step, or the Action) stdout and stderr are read for workflow
 * commands: what vouch prints there is kept out of the parser (runner-commands.ts).
 */
export function runnerSafeIO(io: CliIO): CliIO {
  const { stdout } = io;
  return {
    ...io,
    stdout: { write: (text: string) => stdout.write(text), guard: runnerSafeOutput, ...(stdout.isTTY !== undefined ? { isTTY: stdout.isTTY } : {}) },
    stderr: runnerSafeWriter(io.stderr),
  };
}

const USAGE = `vouch ${VERSION}: verify container image signatures, attestations and policy (ec-compatible)

Usage:
  vouch validate image [flags]     Validate images of a snapshot against a policy
  vouch policy build --policy P --output bundle.tar.gz
                                   Pre-compile a policy so runs need no opa
  vouch merge-reports [--output FORMAT[=PATH]] shard1.json shard2.json …
                                   Join the JSON reports of --shard runs
  vouch version                    Print the version

Run 'vouch validate image --help' for its flags.`;

/** The embedded demo: a signed image in an OCI layout shipped with the repository, verified offline. */
export function demoArgs(): { argv: string[]; cwd: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  // Both dist/index.js and src/faces/cli.ts sit one or two levels under the root; find examples/ from either.
  const repo = root.endsWith('/src') ? dirname(root) : root;
  const demo = join(repo, 'examples', 'demo');
  return {
    cwd: repo,
    argv: [
      '--images', join(demo, 'components.yaml'),
      '--public-key', join(demo, 'cosign.pub'),
      '--policy', join(demo, 'policy.yaml'),
      '--ignore-rekor',
      '--show-successes',
      '--info',
      '--effective-time', 'now',
    ],
  };
}

/** Parses `validate image` flags into a RunConfig (the GitHub and Tekton faces call this too). */
export async function parseValidateArgs(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<ValidateInvocation> {
  return (await import('../config/run-config.ts')).buildRunConfig(argv, env, cwd);
}

/** Runs a validation and writes every requested output. Returns the result for faces to summarise. */
export async function validateAndReport(inv: ValidateInvocation, io: CliIO, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<ValidationResult> {
  // Loaded on demand, with the report writers: `--help` and `version` need neither.
  const [{ runValidateImage }, { writeOutputs }, { shouldColor }, { loadTrustedRoot }] = await Promise.all([
    import('../validate/run.ts'),
    import('../report/targets.ts'),
    import('../report/formats/text.ts'),
    import('../sigstore/trust-root.ts'),
  ]);
  // A trust root that cannot be loaded (a missing or garbled --trusted-root, --tuf-root,
  // SIGSTORE_* file, an unreachable --tuf-mirror) is a configuration error named now, before any
  // image, not a failed signature on every image.
  const { config } = inv;
  await loadTrustedRoot({ ...config.trust, ...(config.rekorUrl ? { rekorUrl: config.rekorUrl } : {}), cacheDir: config.cacheDir, env });
  const result = await runValidateImage(config, { log, env });
  await writeOutputs(
    {
      report: result.report,
      policyInputs: result.policyInputs,
      createdAt: new Date(),
      color: shouldColor(env, io.stdout.isTTY === true, inv.extras.color),
      showSuccesses: inv.config.showSuccesses,
      showWarnings: inv.config.showWarnings,
      showPolicyDocsLink: false,
    },
    inv.config.outputs,
    io.stdout,
  );
  return result;
}

function printError(err: unknown, io: CliIO, debug: boolean): number {
  const message = errorMessage(err);
  io.stderr.write(`Error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return err instanceof VouchError ? err.exitCode : ExitCode.Internal;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, cliIO: CliIO): Promise<number> {
  const io = env.GITHUB_ACTIONS === 'true' ? runnerSafeIO(cliIO) : cliIO;
  const debug = argv.includes('--debug') || argv.includes('--verbose');
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
    if (cmd === 'policy' && sub === 'build') return await (await import('./policy-build.ts')).runPolicyBuild(rest, io);
    if (cmd === 'merge-reports') return await (await import('./merge-reports.ts')).runMergeReports(argv.slice(1), io);
    if (cmd !== 'validate' || sub !== 'image') {
      throw new InputError('UNKNOWN_COMMAND', `unknown command ${JSON.stringify([cmd, sub].filter(Boolean).join(' '))}; run 'vouch --help'`, {
        value: cmd,
      });
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const [{ VALIDATE_IMAGE_FLAGS }, { formatFlagHelp }] = await Promise.all([import('../config/run-config.ts'), import('../config/flags.ts')]);
      io.stdout.write(`Usage: vouch validate image [flags]\n\nFlags:\n${formatFlagHelp(VALIDATE_IMAGE_FLAGS)}\n      --demo                                 Validate the embedded signed demo image (offline)\n`);
      return ExitCode.Ok;
    }
    let args = rest;
    let cwd = io.cwd;
    if (rest.includes('--demo')) {
      const demo = demoArgs();
      args = [...demo.argv, ...rest.filter((a) => a !== '--demo')];
      cwd = demo.cwd;
    }
    const inv = await parseValidateArgs(args, env, cwd);
    const log = inv.extras.debug ? (m: string) => io.stderr.write(`debug: ${m}\n`) : () => undefined;
    const result = await validateAndReport(inv, io, env, log);
    if (result.exitCode !== ExitCode.Ok) io.stderr.write('Error: success criteria not met\n');
    return result.exitCode;
  } catch (err) {
    return printError(err, io, debug);
  }
}

