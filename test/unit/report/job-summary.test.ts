// The GitHub job summary stays under the runner's 1 MiB, counted in bytes as the runner counts the
// file (actions/runner src/Runner.Worker/FileCommandManager.cs @ 258d6c857db3519913f7deb6004b60172f8043ae,
// CreateStepSummaryCommand: FileInfo.Length > 1024 * 1024 → the whole summary is dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateTotals } from '../../../src/report/counts.ts';
import { SUMMARY_LIMIT_BYTES, errorSummary, headline, jobSummary } from '../../../src/report/job-summary.ts';
import type { ComponentReport, Report } from '../../../src/model/report.ts';
import { sampleReport } from './sample.ts';

function failingRun(components: number): Report {
  // Multi-byte text everywhere an untrusted field goes: CJK (3 bytes), emoji (4 bytes, 2 UTF-16 units).
  const wide = '界🔥é'.repeat(120);
  const list: ComponentReport[] = Array.from({ length: components }, (_, i) => ({
    name: `组件-${i}-${wide}`,
    containerImage: `registry.example/团队/app-${i}@sha256:${String(i).padStart(64, '0')}`,
    source: {},
    success: false,
    violations: Array.from({ length: 3 }, (_, j) => ({ msg: `${wide} <b>${j}</b> | ${wide}`, metadata: { code: `规则.r${j}`, solution: wide } })),
  }));
  return { success: false, components: list, key: '', policy: {}, 'ec-version': 'v', 'effective-time': '2026-01-01T00:00:00Z' };
}

test('a 2,500-component failing run: the summary stays under 1 MiB in bytes, multi-byte text included, and says what it left out', () => {
  const summary = jobSummary(failingRun(2500));
  const size = Buffer.byteLength(summary, 'utf8');
  assert.ok(size <= SUMMARY_LIMIT_BYTES, `${size} bytes`);
  assert.ok(size > SUMMARY_LIMIT_BYTES / 2, `${size} bytes: the budget is used, not wasted`);
  const shown = summary.split('\n').filter((l) => l.startsWith('<details>')).length;
  const left = Number(/_(\d+) more components? not shown: GitHub shows no job summary over 1 MiB; see the JSON report\._/.exec(summary)?.[1]);
  assert.equal(shown + left, 2500);
  assert.ok(summary.startsWith('## vouch: FAILURE\n\nvouch&#58; 7500 violations in 2500 of 2500 components\n'));
});

test('one component with thousands of long violations cannot blow the budget either', () => {
  const run = failingRun(1);
  run.components[0]!.violations = Array.from({ length: 5000 }, (_, j) => ({ msg: 'x'.repeat(100_000), metadata: { code: `c${j}` } }));
  const summary = jobSummary(run);
  assert.ok(Buffer.byteLength(summary) <= SUMMARY_LIMIT_BYTES);
  assert.match(summary, /_4950 more violation\(s\) of this component: see the JSON report\._/);
});

test('the headline keeps registry failures apart from policy violations', () => {
  const report = sampleReport();
  assert.equal(headline(gateTotals(report)), 'vouch: 2 violations in 1 of 3 components; 1 component of 3 could not be checked');
  const infraOnly = sampleReport();
  infraOnly.components = [infraOnly.components[1]!, infraOnly.components[2]!];
  assert.equal(gateTotals(infraOnly).result, 'ERROR');
  assert.equal(gateTotals(infraOnly).violations, 0);
  assert.equal(headline(gateTotals(infraOnly)), 'vouch: 1 component of 2 could not be checked (registry or network error); no policy violation in the others');
  const summary = jobSummary(infraOnly);
  assert.match(summary, /^## vouch: ERROR\n/);
  assert.match(summary, /### Could not be checked\n\n<details><summary>⚠ api — could not be checked \(UNREACHABLE\)<\/summary>/);
  assert.doesNotMatch(summary, /Failing components/);
  const passing = sampleReport();
  passing.components = [passing.components[2]!];
  assert.equal(headline(gateTotals(passing)), 'vouch: 1 component passed');
});

test("a stopped run's summary says what stopped it, escaped", () => {
  const s = errorSummary('policy.sources[0].confg: unknown field; did you mean "config"? <img src=x>', 'POLICY_SCHEMA');
  assert.match(s, /^## vouch: ERROR\n\nvouch stopped \(POLICY&#95;SCHEMA\): policy&#46;sources&#91;0&#93;&#46;confg&#58; unknown field/);
  assert.doesNotMatch(s, /<img/);
  assert.match(s, /Fix what the message names/);
});
