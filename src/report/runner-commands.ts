// GitHub's runner reads workflow commands from every line a step prints, on stdout and on stderr
// (actions/runner src/Runner.Worker/Handlers/OutputManager.cs, OnDataReceived; commit
// 258d6c857db3519913f7deb6004b60172f8043ae): a line is a command when, after leading whitespace, it
// starts with `::` (ActionCommand.TryParseV2), or when it holds `##[` anywhere (the legacy
// ActionCommand.TryParse), both in src/Runner.Common/ActionCommand.cs; lines end at \n, \r or \r\n
// (StreamReader.ReadLine in src/Runner.Sdk/ProcessInvoker.cs). A registry's error text, a Rego
// message or a component name could thus print `::add-mask::`, `::stop-commands::`, a fake
// `::error::` or `##[set-output …]`.
//
// Such text is printed between `::stop-commands::TOKEN` and `::TOKEN::`, the runner's own switch
// (src/Runner.Worker/ActionCommandManager.cs, TryProcessCommand): in between no line is a command,
// whatever its form, and the text itself is printed unchanged. TOKEN is random and absent from the
// text, so the text cannot end the block. (Prefixing each line would not do: `##[` works mid-line.)
// JSON outputs stay parseable instead: `##[` can only occur inside a JSON string there, where
// `\u0023#[` means the same; no JSON line starts with `::`.
import { randomBytes } from 'node:crypto';
import type { Format } from '../model/output.ts';

export interface TextWriter {
  write(text: string): unknown;
}

/** Whether the runner could read any command from `text`: it needs `::` or `##[`. */
function mayHoldCommands(text: string): boolean {
  return text.includes('::') || text.includes('##[');
}

/** The runner matches the resume token ignoring case, so it must not occur in the text in any case. */
function tokenFor(text: string): string {
  const folded = text.toLowerCase();
  for (;;) {
    const token = `vouch-${randomBytes(16).toString('hex')}`;
    if (!folded.includes(token)) return token;
  }
}

/** `text` between a stop-commands line and its resume line. */
function block(text: string): string {
  const token = tokenFor(text);
  return `::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}

/** `text` with every line kept out of the runner's command parser (unchanged when it holds no command syntax). */
export function withoutRunnerCommands(text: string): string {
  return mayHoldCommands(text) ? block(text) : text;
}

const JSON_FORMATS: ReadonlySet<Format> = new Set(['json', 'summary', 'appstudio', 'hacbs', 'attestation', 'policy-input']);

/** One stdout target's text, safe to print under the runner: JSON by an equivalent escape, the rest in a stop-commands block. */
export function runnerSafeOutput(text: string, format: Format): string {
  return JSON_FORMATS.has(format) ? text.replaceAll('##[', '\\u0023#[') : withoutRunnerCommands(text);
}

/** The end of the line being printed: enough to see `::` or `##[` form across two writes. */
function lineTail(previous: string, text: string): string {
  const line = previous + text;
  const start = Math.max(line.lastIndexOf('\n'), line.lastIndexOf('\r')) + 1;
  return line.slice(Math.max(start, line.length - 2));
}

/**
 * A writer whose writes are kept out of the command parser. A write is printed as it is when the
 * line it continues still holds no command syntax; else it goes in a block, which must start a
 * line to take effect (after a write that ended mid-line, a newline comes first).
 */
export function runnerSafeWriter(target: TextWriter): TextWriter {
  let tail = '';
  return {
    write(text: string): unknown {
      if (!mayHoldCommands(tail + text)) {
        tail = lineTail(tail, text);
        return target.write(text);
      }
      const lead = tail === '' ? '' : '\n';
      tail = '';
      return target.write(lead + block(text));
    },
  };
}

/**
 * Streams of a run under the GitHub runner (a `run:` step, or the Action): what vouch prints on
 * stdout and stderr is kept out of the command parser.
 */
export function runnerSafeIO<T extends { stdout: { write(text: string): unknown; isTTY?: boolean }; stderr: TextWriter }>(
  io: T,
): T & { stdout: { guard: typeof runnerSafeOutput } } {
  const { stdout } = io;
  return {
    ...io,
    stdout: { write: (text: string) => stdout.write(text), guard: runnerSafeOutput, ...(stdout.isTTY !== undefined ? { isTTY: stdout.isTTY } : {}) },
    stderr: runnerSafeWriter(io.stderr),
  };
}
