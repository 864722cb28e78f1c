// Progress on stderr: a live line on a terminal, a line per tenth and per 10 s in a CI log, nothing
// when quiet; numbers only, on a clock the test drives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedComponents, formatDuration, isCiLog, progressLine, progressMode, startProgress, type Clock } from '../../../src/report/progress.ts';
import type { ComponentReport } from '../../../src/model/report.ts';

function fakeClock(): Clock & { advance(ms: number): void; timers: number } {
  let now = 1_000_000;
  const timers = new Map<number, { every: number; next: number; fn: () => void }>();
  let id = 0;
  return {
    now: () => now,
    every(ms, fn) {
      const key = ++id;
      timers.set(key, { every: ms, next: now + ms, fn });
      return () => timers.delete(key);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.values()].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.every;
        due.fn();
      }
      now = end;
    },
    get timers() {
      return timers.size;
    },
  };
}

const component = (success: boolean, name = '::error::x ##[set-output name=a]'): ComponentReport => ({
  name,
  containerImage: `r.example/${name}`,
  source: {},
  success,
});

test('mode: --quiet silences; a CI log gets lines; a terminal gets a live line; anything else nothing', () => {
  assert.equal(progressMode({ quiet: true, stderrIsTTY: true, ciLog: true }), 'off');
  assert.equal(progressMode({ quiet: false, stderrIsTTY: false, ciLog: true }), 'log');
  assert.equal(progressMode({ quiet: false, stderrIsTTY: true, ciLog: false }), 'live');
  assert.equal(progressMode({ quiet: false, stderrIsTTY: false, ciLog: false }), 'off');
  assert.equal(isCiLog({ GITHUB_ACTIONS: 'true' }), true);
  assert.equal(isCiLog({ CI: 'true' }), true);
  assert.equal(isCiLog({}), false);
  assert.deepEqual(
    [1, 2, 3, 4].map((i) => expectedComponents(10, { index: i, count: 4 })),
    [3, 3, 2, 2],
  );
  assert.equal(expectedComponents(2, { index: 3, count: 3 }), 0);
  assert.equal(expectedComponents(7), 7);
});

test('the line: done/total, percent, failing, rate and time left; numbers only', () => {
  assert.equal(progressLine(250, 1000, 3, 50), 'vouch: 250/1000 components (25%), 3 failing, 5.0/s, ~2m30s left');
  assert.equal(progressLine(0, 10, 0, 0), 'vouch: 0/10 components (0%), 0 failing, 0.0/s');
  assert.deepEqual([7, 125, 3725].map(formatDuration), ['7s', '2m05s', '1h02m']);
});

test('terminal: one line redrawn in place from the first second, cleared at the end; never a name from the snapshot', () => {
  const clock = fakeClock();
  const out: string[] = [];
  const p = startProgress({ mode: 'live', total: 4, write: (t) => out.push(t), clock });
  p.componentDone(component(true));
  assert.equal(out.length, 0, 'nothing in the first second');
  clock.advance(1000);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^\r\x1b\[2Kvouch: 1\/4 components \(25%\), 0 failing, 1\.0\/s, ~3s left$/);
  clock.advance(500);
  p.componentDone(component(false));
  p.componentDone(component(false));
  assert.match(out.at(-1)!, /2\/4 components \(50%\), 1 failing/, 'redrawn at most every 200 ms');
  clock.advance(1000);
  assert.match(out.at(-1)!, /3\/4 components \(75%\), 2 failing/, 'and each second');
  assert.ok(
    out.every((t) => !t.includes('\n') && !t.includes('::') && !t.includes('##[')),
    'one line, no runner command, no name',
  );
  p.stop();
  assert.equal(out.at(-1), '\r\x1b[2K', 'the line is cleared before anything else is printed');
  const n = out.length;
  p.componentDone(component(true));
  clock.advance(5000);
  assert.equal(out.length, n, 'nothing after stop');
  assert.equal(clock.timers, 0, 'no timer left');
});

test('CI log: nothing in a short run; then a line each further tenth and at least every 10 s', () => {
  const clock = fakeClock();
  const out: string[] = [];
  const p = startProgress({ mode: 'log', total: 100, write: (t) => out.push(t), clock });
  for (let i = 0; i < 5; i++) p.componentDone(component(true));
  clock.advance(9000);
  assert.equal(out.length, 0, 'a run shorter than 10 s prints nothing');
  clock.advance(1000);
  assert.deepEqual(out, ['vouch: 5/100 components (5%), 0 failing, 0.5/s, ~3m10s left\n']);
  for (let i = 0; i < 5; i++) p.componentDone(component(true));
  assert.equal(out.length, 2, 'a tenth crossed');
  assert.match(out[1]!, /^vouch: 10\/100 components \(10%\)/);
  clock.advance(9000);
  assert.equal(out.length, 2);
  clock.advance(1000);
  assert.equal(out.length, 3, '10 s without a line');
  for (let i = 0; i < 90; i++) p.componentDone(component(i % 2 === 0));
  assert.equal(out.length, 12, 'one line per tenth, not per component');
  assert.match(out.at(-1)!, /^vouch: 100\/100 components \(100%\), 45 failing/);
  assert.ok(
    out.every((l) => l.endsWith('\n') && !l.includes('\r') && !l.includes('\x1b')),
    'plain lines in a log',
  );
  p.stop();
  assert.equal(clock.timers, 0);
});

test('index expansion finds more components than expected: the total grows, never below done', () => {
  const clock = fakeClock();
  const out: string[] = [];
  const p = startProgress({ mode: 'live', total: 1, write: (t) => out.push(t), clock });
  clock.advance(1000);
  p.componentDone(component(true));
  p.componentDone(component(true));
  clock.advance(1000);
  assert.match(out.at(-1)!, /vouch: 2\/2 components \(100%\)/);
  p.stop();
});

test('off: nothing at all, no timer; a writer that throws never ends the run', () => {
  const clock = fakeClock();
  const p = startProgress({ mode: 'off', total: 3, write: () => assert.fail('wrote'), clock });
  p.componentDone(component(true));
  clock.advance(60_000);
  p.stop();
  assert.equal(clock.timers, 0);
  const q = startProgress({
    mode: 'log',
    total: 3,
    write: () => {
      throw new Error('EPIPE');
    },
    clock,
  });
  clock.advance(20_000);
  q.componentDone(component(true));
  q.stop();
});
