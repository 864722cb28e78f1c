// `opa test`'s pretty output (OPA v1/tester/reporter.go at commit 0c028bc1, PrettyReporter): each
// non-passing test (every test with --verbose) under its `file:row:`, a blank line between files,
// errors indented below, then a rule and the `PASS: n/m` … summary. Without Go traces to print, the
// FAILURES section lists the failing tests only. Pure.
import type { TestResult } from './evaluate.ts';

const RULE = '-'.repeat(80);

/** A duration as Go's time.Duration.String prints it (`373.865µs`, `7.317438ms`, `1m2.5s`). */
export function goDuration(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  if (n === 0) return '0s';
  const fraction = (value: number, unit: number, digits: number): string => {
    const whole = Math.floor(value / unit);
    const rest = String(value % unit)
      .padStart(digits, '0')
      .replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (n < 1_000) return `${n}ns`;
  if (n < 1_000_000) return `${fraction(n, 1_000, 3)}µs`;
  if (n < 1_000_000_000) return `${fraction(n, 1_000_000, 6)}ms`;
  const hours = Math.floor(n / 3_600_000_000_000);
  const minutes = Math.floor((n % 3_600_000_000_000) / 60_000_000_000);
  const seconds = `${fraction(n % 60_000_000_000, 1_000_000_000, 9)}s`;
  return hours > 0 ? `${hours}h${minutes}m${seconds}` : minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

function line(r: TestResult): string {
  const name = `${r.test.package}.${r.test.name}: ${r.outcome}`;
  return r.outcome === 'SKIPPED' ? name : `${name} (${goDuration(r.durationNs)})`;
}

/** Tests counted as opa counts them: a partial-object test counts each of its cases. */
export function tally(results: TestResult[]): { pass: number; fail: number; skip: number; error: number } {
  const t = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) {
    if (r.outcome === 'SKIPPED') t.skip++;
    else if (r.outcome === 'ERROR') t.error++;
    else if (r.subResults && r.subResults.length > 0) {
      for (const s of r.subResults) {
        if (s.pass) t.pass++;
        else t.fail++;
      }
    } else if (r.outcome === 'PASS') t.pass++;
    else t.fail++;
  }
  return t;
}

export function prettyReport(results: TestResult[], verbose: boolean): string {
  const out: string[] = [];
  let lastFile: string | undefined;
  for (const r of results) {
    if (verbose || r.outcome !== 'PASS') {
      if (lastFile !== undefined && lastFile !== r.test.file) out.push('');
      out.push(`${r.test.file}:${r.test.row}:`, line(r));
      lastFile = r.test.file;
      for (const s of r.subResults ?? []) {
        if (verbose || !s.pass) out.push(`${'  '.repeat(s.path.length)}${String(s.path[s.path.length - 1])}: ${s.pass ? 'PASS' : 'FAIL'}`);
      }
    }
    if (r.error !== undefined) out.push(...r.error.split('\n').map((l) => `  ${l}`));
  }
  const failed = results.filter((r) => r.outcome === 'FAIL');
  if (verbose && failed.length > 0) {
    out.push(RULE, 'FAILURES', RULE);
    for (const r of failed) out.push(line(r), '');
  }
  if (out.length > 0) out.push(RULE);
  const t = tally(results);
  const total = t.pass + t.fail + t.skip + t.error;
  if (t.pass) out.push(`PASS: ${t.pass}/${total}`);
  if (t.fail) out.push(`FAIL: ${t.fail}/${total}`);
  if (t.skip) out.push(`SKIPPED: ${t.skip}/${total}`);
  if (t.error) out.push(`ERROR: ${t.error}/${total}`);
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
