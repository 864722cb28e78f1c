// Whatever a registry, a policy or a snapshot puts in vouch's output, the GitHub runner executes
// no command from it: checked with a model of the runner's parser (test/support/runner-commands.ts)
// on arbitrary text, on sequences of writes, and on JSON outputs (which must stay the same JSON).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runnerSafeOutput, runnerSafeWriter, withoutRunnerCommands } from '../../../src/report/runner-commands.ts';
import { runnerCommands } from '../../support/runner-commands.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const piece = fc.constantFrom(
  '::',
  ':',
  '##[',
  '#',
  '[',
  ']',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '\u00a0',
  '\u3000',
  'error',
  'add-mask',
  'stop-commands',
  'set-output name=x',
  'warning file=a',
  'x',
  'VOUCH-',
  'vouch-',
  '::error::pwned',
  '##[error]pwned',
);
const hostile = fc.oneof(
  fc.string(),
  fc.array(piece, { maxLength: 16 }).map((p) => p.join('')),
);

/** Only vouch's own stop/resume pairs, balanced. */
function assertNoLiveCommand(output: string): void {
  const commands = runnerCommands(output);
  let open = 0;
  for (const c of commands) {
    if (c.command === 'stop-commands') {
      assert.match(c.data, /^vouch-[0-9a-f]{32}$/, `foreign stop-commands: ${JSON.stringify(c.line)}`);
      open++;
    } else if (c.command === 'resume-commands') {
      open--;
    } else {
      assert.fail(`live ${c.command} from ${JSON.stringify(output)}`);
    }
  }
  assert.equal(open, 0, 'every block is closed');
}

test('any text, printed through withoutRunnerCommands, triggers no runner command and keeps its bytes', () => {
  fuzz(
    fc.property(hostile, (text) => {
      const out = withoutRunnerCommands(text);
      assertNoLiveCommand(out);
      assert.ok(out.includes(text));
    }),
  );
});

/** A command cut into several writes at arbitrary points, amid other writes. */
const splitCommand = fc
  .tuple(
    fc.constantFrom('::error::pwned', '##[error]pwned', 'x ##[add-mask]s', '  ::add-mask::s', '\u3000::warning::w'),
    fc.uniqueArray(fc.nat({ max: 15 }), { maxLength: 4 }),
    fc.array(hostile, { maxLength: 2 }),
  )
  .map(([cmd, cuts, noise]) => {
    const points = [0, ...cuts.filter((c) => c > 0 && c < cmd.length).sort((a, b) => a - b), cmd.length];
    const parts = points.slice(1).map((end, i) => cmd.slice(points[i], end));
    return [...noise.map((n) => `${n}\n`), ...parts];
  });

test('any sequence of writes through the runner-safe writer triggers no command, also across write boundaries', () => {
  fuzz(
    fc.property(fc.oneof(fc.array(hostile, { maxLength: 6 }), splitCommand), (writes) => {
      let out = '';
      const w = runnerSafeWriter({ write: (t: string) => (out += t) });
      for (const t of writes) w.write(t);
      assertNoLiveCommand(`${out}\n`);
    }),
  );
});

test('JSON printed for the runner is the same JSON and triggers no command', () => {
  fuzz(
    fc.property(fc.jsonValue(), fc.array(hostile, { maxLength: 3 }), (value, strings) => {
      const doc = { value, strings };
      const text = `${JSON.stringify(doc)}\n`;
      const out = runnerSafeOutput(text, 'json');
      assertNoLiveCommand(out);
      assert.deepEqual(JSON.parse(out), JSON.parse(text));
      const lines = strings.map((s) => JSON.stringify({ s })).join('\n');
      assertNoLiveCommand(runnerSafeOutput(lines, 'policy-input'));
    }),
  );
});
