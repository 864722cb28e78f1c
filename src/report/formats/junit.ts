// JUnit XML with junit-report-builder: one testsuite per component, one testcase per rule result.
// Violations are failures, warnings skipped (or passes), infrastructure failures errors — kept apart
// so a registry outage never reads as a policy failure. Names follow ec ("<code>: <msg> [k=v]")
// made unique per suite (GitLab drops duplicates); classname is `vouch.<component>` so Jenkins'
// split on the last dot gives package "vouch" and class "<component>".
import junitReportBuilder, { type Builder } from 'junit-report-builder';
import type { ComponentReport, Report } from '../../model/report.ts';
import type { RuleResult } from '../../model/results.ts';

// The package is CommonJS whose module.exports is the builder; its typings describe an ES default.
const rootBuilder = junitReportBuilder as unknown as Builder;

/** Go's %v for metadata values, as ec renders them in test names. */
export function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (v !== null && typeof v === 'object') {
    return `map[${Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${k}:${goValue(x)}`)
      .join(' ')}]`;
  }
  return String(v);
}

export function testCaseName(r: RuleResult): string {
  const meta = Object.entries(r.metadata ?? {})
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k}=${goValue(v)}`)
    .sort();
  const name = `${r.msg}${meta.length > 0 ? ` [${meta.join(', ')}]` : ''}`;
  const code = r.metadata?.code;
  return typeof code === 'string' ? `${code}: ${name}` : name;
}

function className(c: ComponentReport): string {
  return `vouch.${(c.name || 'Unnamed').replace(/[.\s]+/g, '_')}`;
}

export interface JUnitOptions {
  createdAt: Date;
  /** Count warnings as passes instead of skipped tests. */
  warningsAsPasses?: boolean;
}

export function renderJUnit(report: Report, opts: JUnitOptions): string {
  const b = rootBuilder.newBuilder();
  b.name('vouch');
  for (const c of report.components) {
    const suite = b.testSuite().name(`${c.name} (${c.containerImage})`).timestamp(opts.createdAt.toISOString().replace(/\.\d+Z$/, 'Z'));
    suite.property('image', c.containerImage).property('key', report.key).property('success', String(c.success));
    for (const s of c.signatures ?? []) {
      suite.property('keyId', s.keyid).property('signature', s.sig);
      for (const [k, v] of Object.entries(s.metadata ?? {}).sort(([a], [b2]) => (a < b2 ? -1 : 1))) suite.property(`metadata.${k}`, v);
    }
    const used = new Map<string, number>();
    const unique = (name: string): string => {
      const n = (used.get(name) ?? 0) + 1;
      used.set(name, n);
      return n === 1 ? name : `${name} (#${n})`;
    };
    const cls = className(c);
    for (const r of c.successes ?? []) suite.testCase().className(cls).name(unique(testCaseName(r)));
    for (const r of c.violations ?? []) {
      const tc = suite.testCase().className(cls).name(unique(testCaseName(r)));
      const infra = c.infrastructureError && String(r.metadata?.code ?? '').startsWith('builtin.');
      if (infra) tc.error(r.msg, c.infrastructureError!.code, r.msg);
      else tc.failure(r.msg, 'violation');
    }
    for (const r of c.warnings ?? []) {
      const tc = suite.testCase().className(cls).name(unique(testCaseName(r)));
      if (!opts.warningsAsPasses) tc.skipped();
      tc.standardOutput(r.msg);
    }
  }
  // The builder puts `skipped` on <testsuites>, which the JUnit schema Jenkins validates with forbids.
  return b.build().replace(/(<testsuites\b[^>]*?)\s+skipped="\d+"/, '$1');
}
