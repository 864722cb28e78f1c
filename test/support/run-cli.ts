// Runs the CLI face in-process (the same code dist/index.js runs) and captures what it prints.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { runCli } from '../../src/faces/cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

export async function vouch(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(args, env, { stdout, stderr, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** `validate image` with a JSON report on stdout, parsed. */
export async function validateJson(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; report: Record<string, unknown> & { components: Record<string, unknown>[] }; stderr: string }> {
  const run = await vouch(['validate', 'image', ...args, '--output', 'json'], env);
  if (run.stdout.trim() === '') throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as Record<string, unknown> & { components: Record<string, unknown>[] }, stderr: run.stderr };
}

/**
 * dist/index.js's offline demo (`validate image --demo --output <format>`) under Node's CPU profiler,
 * each thread's profile written to `dir`; `profilerFlags` e.g. a finer `--cpu-prof-interval`.
 */
export function profiledDemo(dir: string, format: string, profilerFlags: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const dist = new URL('../../dist/index.js', import.meta.url).pathname;
  return promisify(execFile)(process.execPath, [
    '--cpu-prof',
    ...profilerFlags,
    '--cpu-prof-dir',
    dir,
    dist,
    'validate',
    'image',
    '--demo',
    '--output',
    format,
  ]);
}
