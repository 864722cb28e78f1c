// What GitHub's runner would execute from a step's output, by its own rules (actions/runner, commit
// 258d6c857db3519913f7deb6004b60172f8043ae): lines split at \n, \r or \r\n (StreamReader.ReadLine);
// a line is a command when, after .NET whitespace, it starts with `::name …::data`
// (ActionCommand.TryParseV2) or holds `##[name …]data` anywhere (ActionCommand.TryParse), for a
// registered name, case-insensitively; `::stop-commands::TOKEN` ignores every command until
// `::TOKEN::` (ActionCommandManager.TryProcessCommand). Written from those rules for tests, so a
// test can assert which commands a run's bytes would really trigger.

export interface RunnerCommand {
  command: string;
  data: string;
  line: string;
}

const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'warning',
  'stop-commands',
];
/** char.IsWhiteSpace: \t–\r, space, U+0085, U+00A0 and the Unicode space, line and paragraph separators. */
const LEADING_SPACE = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function unescape(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function parseLine(line: string, registered: Set<string>): RunnerCommand | undefined {
  const trimmed = line.replace(LEADING_SPACE, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const name = info.split(' ', 1)[0]!;
      if (registered.has(name.toLowerCase())) return { command: name.toLowerCase(), data: unescape(trimmed.slice(end + 2)), line };
    }
  }
  const prefix = line.indexOf('##[');
  if (prefix >= 0) {
    const close = line.indexOf(']', prefix);
    if (close >= 0) {
      const name = line.slice(prefix + 3, close).split(' ', 1)[0]!;
      if (registered.has(name.toLowerCase())) return { command: name.toLowerCase(), data: unescape(line.slice(close + 1)), line };
    }
  }
  return undefined;
}

/** Every command the runner would process from `output`, in order (stop/resume pairs included). */
export function runnerCommands(output: string): RunnerCommand[] {
  const registered = new Set(REGISTERED);
  const processed: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (!line.includes('::') && !line.includes('##[')) continue;
    const cmd = parseLine(line, registered);
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.command === stopToken) {
        registered.delete(stopToken);
        stopToken = undefined;
        processed.push({ ...cmd, command: 'resume-commands' });
      }
      continue;
    }
    if (cmd.command === 'stop-commands') {
      stopToken = cmd.data.toLowerCase();
      registered.add(stopToken);
    }
    processed.push(cmd);
  }
  return processed;
}
