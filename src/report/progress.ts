// Progress of a long run, on stderr only (stdout may carry a report). On a terminal: one live line,
// redrawn in place — done/total, failing so far, rate, time left — from the first second on. In a
// CI log (GitHub Actions, Tekton, CI=true), where a redrawn line would be a new line each time: a
// line at each further tenth done and at least every 10 s, from the tenth second on (a short run
// prints nothing). `--quiet`, or stderr neither a terminal nor a CI log: nothing. The line holds
// numbers only, never a name from the snapshot or the registry.
import type { ComponentReport } from '../model/report.ts';

export type ProgressMode = 'live' | 'log' | 'off';

export function progressMode(opts: { quiet: boolean; stderrIsTTY: boolean; ciLog: boolean }): ProgressMode {
  if (opts.quiet) return 'off';
  if (opts.ciLog) return 'log';
  return opts.stderrIsTTY ? 'live' : 'off';
}

/** A CI system whose log shows what the step prints: GitHub Actions, or any that sets CI=true. */
export function isCiLog(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true' || env.CI === 'true';
}

/** Components a run validates before index expansion: the snapshot's, or the I-th of N slices (every N-th). */
export function expectedComponents(snapshotComponents: number, shard?: { index: number; count: number }): number {
  if (!shard) return snapshotComponents;
  return shard.index > snapshotComponents ? 0 : Math.floor((snapshotComponents - shard.index) / shard.count) + 1;
}

export interface Clock {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called; never keeps the process alive. */
  every(ms: number, fn: () => void): () => void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface ProgressOptions {
  mode: ProgressMode;
  /** Components expected (index expansion may add some: the total then grows). */
  total: number;
  write(text: string): unknown;
  clock?: Clock;
}

export interface Progress {
  /** Give to the run (`RunOptions.onComponentDone`). */
  componentDone: (report: ComponentReport) => void;
  /** Clears the live line and stops: call before anything else goes to the terminal, and at the end. */
  stop(): void;
}

/** A duration as `1h02m`, `2m05s` or `7s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${pad(m)}m`;
  if (m > 0) return `${m}m${pad(s % 60)}s`;
  return `${s}s`;
}

/** The progress line: numbers only. */
export function progressLine(done: number, total: number, failing: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const left = done > 0 && rate > 0 ? `, ~${formatDuration((total - done) / rate)} left` : '';
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `vouch: ${done}/${total} components (${pct}%), ${failing} failing, ${rate.toFixed(1)}/s${left}`;
}

const LIVE_DELAY_MS = 1000;
const LIVE_REDRAW_MS = 200;
const LOG_EVERY_MS = 10_000;
const TICK_MS = 1000;
const CLEAR = '\r\x1b[2K';

export function startProgress(opts: ProgressOptions): Progress {
  if (opts.mode === 'off') return { componentDone: () => undefined, stop: () => undefined };
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  let total = opts.total;
  let done = 0;
  let failing = 0;
  let stopped = false;
  let drawn = false;
  let lastLine = started;
  let lastTenth = 0;
  const line = (): string => progressLine(done, total, failing, (clock.now() - started) / 1000);
  const safeWrite = (text: string): void => {
    try {
      opts.write(text);
    } catch {
      // Progress must never end a run.
    }
  };

  const live = (force: boolean): void => {
    const now = clock.now();
    if (stopped || now - started < LIVE_DELAY_MS || (!force && now - lastLine < LIVE_REDRAW_MS)) return;
    safeWrite(`${CLEAR}${line()}`);
    drawn = true;
    lastLine = now;
  };
  const log = (tick: boolean): void => {
    const now = clock.now();
    if (stopped || now - started < LOG_EVERY_MS) return;
    const tenth = total > 0 ? Math.floor((done * 10) / total) : 0;
    if (tenth > lastTenth || (tick && now - lastLine >= LOG_EVERY_MS) || !drawn) {
      safeWrite(`${line()}\n`);
      drawn = true;
      lastLine = now;
    }
    lastTenth = Math.max(lastTenth, tenth);
  };
  const update = opts.mode === 'live' ? () => live(false) : () => log(false);
  const cancel = clock.every(TICK_MS, opts.mode === 'live' ? () => live(true) : () => log(true));

  return {
    componentDone(report) {
      done++;
      if (!report.success) failing++;
      total = Math.max(total, done);
      update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      cancel();
      if (opts.mode === 'live' && drawn) safeWrite(CLEAR);
    },
  };
}
