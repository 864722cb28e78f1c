// The conformance comparison (scripts/conformance.ts): test outcomes from `vouch policy test` and from
// `ec opa test --format json`, by test name, and the tests whose outcome differs. Pure.

/** What a repository's own CI hands to `ec opa test`, as far as its layout tells (`has`: does this relative path exist). */
export function defaultPaths(has: (path: string) => boolean): string[] {
  if (has('policy/lib') && has('policy/release'))
    return [...(has('example/data/rule_data.yml') ? ['example/data/rule_data.yml'] : []), 'policy/lib', 'policy/release'];
  return has('policy') ? ['policy'] : ['.'];
}

export type Outcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

export interface NamedOutcome {
  /** `data.pkg.test_x` (a partial-object test's case: `data.pkg.test_x[case]`). */
  name: string;
  outcome: Outcome;
  /** `file:row`, when known. */
  where?: string;
  /** What evaluation said, for an ERROR. */
  detail?: string;
}

interface OpaJsonResult {
  package?: unknown;
  name?: unknown;
  fail?: unknown;
  skip?: unknown;
  error?: unknown;
  location?: { file?: unknown; row?: unknown };
  sub_results?: Record<string, { fail?: unknown }>;
}

/** `opa test --format json` (ec opa test's too): one outcome per test, a partial-object test per case. */
export function parseOpaJson(text: string): NamedOutcome[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('opa test --format json did not print an array');
  const out: NamedOutcome[] = [];
  for (const r of parsed as OpaJsonResult[]) {
    const name = `${String(r.package)}.${String(r.name)}`;
    const where = typeof r.location?.file === 'string' ? `${r.location.file}:${String(r.location.row)}` : undefined;
    const error = r.error === undefined || r.error === null ? undefined : typeof r.error === 'string' ? r.error : JSON.stringify(r.error);
    const subs = Object.entries(r.sub_results ?? {});
    if (subs.length > 0) {
      for (const [k, s] of subs) out.push({ name: `${name}[${k}]`, outcome: s.fail === true ? 'FAIL' : 'PASS', ...(where ? { where } : {}) });
      continue;
    }
    const outcome: Outcome = r.skip === true ? 'SKIPPED' : error !== undefined ? 'ERROR' : r.fail === true ? 'FAIL' : 'PASS';
    out.push({ name, outcome, ...(where ? { where } : {}), ...(error !== undefined ? { detail: error } : {}) });
  }
  return out;
}

export interface Difference {
  name: string;
  vouch: Outcome | 'MISSING';
  ec: Outcome | 'MISSING';
  where?: string;
  detail?: string;
}

/** Tests that pass in one run and not in the other (or run in one only), sorted by name. */
export function differences(vouch: NamedOutcome[], ec: NamedOutcome[]): Difference[] {
  const v = new Map(vouch.map((r) => [r.name, r]));
  const e = new Map(ec.map((r) => [r.name, r]));
  const out: Difference[] = [];
  for (const name of [...new Set([...v.keys(), ...e.keys()])].sort()) {
    const a = v.get(name);
    const b = e.get(name);
    if (a?.outcome === b?.outcome) continue;
    if (a?.outcome !== 'PASS' && b?.outcome !== 'PASS') continue;
    const where = a?.where ?? b?.where;
    const detail = a?.detail ?? b?.detail;
    out.push({ name, vouch: a?.outcome ?? 'MISSING', ec: b?.outcome ?? 'MISSING', ...(where ? { where } : {}), ...(detail ? { detail } : {}) });
  }
  return out;
}

export function summary(results: NamedOutcome[]): string {
  const count = (o: Outcome): number => results.filter((r) => r.outcome === o).length;
  const others = (['FAIL', 'ERROR', 'SKIPPED'] as const).filter((o) => count(o) > 0).map((o) => `${o} ${count(o)}`);
  return `PASS ${count('PASS')}/${results.length}${others.length ? ` (${others.join(', ')})` : ''}`;
}

/** The comparison as text: both summaries, then the tests that pass in only one of the runs. */
export function report(vouch: NamedOutcome[], ec: NamedOutcome[] | undefined): string {
  const lines = [`vouch policy test: ${summary(vouch)}`];
  if (!ec) {
    lines.push(
      '',
      ...vouch
        .filter((r) => r.outcome !== 'PASS')
        .map((r) => `  ${r.outcome.padEnd(7)} ${r.name}${r.where ? `  (${r.where})` : ''}${r.detail ? `\n            ${r.detail}` : ''}`),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`ec opa test:       ${summary(ec)}`);
  const diff = differences(vouch, ec);
  const side = (title: string, list: Difference[]): void => {
    lines.push('', `${title} (${list.length}):`);
    for (const d of list) lines.push(`  ${d.name}  vouch: ${d.vouch}, ec: ${d.ec}${d.where ? `  (${d.where})` : ''}${d.detail ? `\n      ${d.detail}` : ''}`);
  };
  side(
    'Passing in ec, not in vouch',
    diff.filter((d) => d.ec === 'PASS'),
  );
  side(
    'Passing in vouch, not in ec',
    diff.filter((d) => d.vouch === 'PASS'),
  );
  return `${lines.join('\n')}\n`;
}
