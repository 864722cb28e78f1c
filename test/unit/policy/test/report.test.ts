// opa test's pretty report pieces: durations as Go's time.Duration.String prints them (the table is
// Go 1.26's output for these values) and the summary counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration, prettyReport } from '../../../../src/policy/test/report.ts';
import type { TestResult } from '../../../../src/policy/test/evaluate.ts';

test('durations print as Go prints them', () => {
  const go: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [999, '999ns'],
    [1000, '1µs'],
    [1500, '1.5µs'],
    [373865, '373.865µs'],
    [7317438, '7.317438ms'],
    [999999999, '999.999999ms'],
    [1000000000, '1s'],
    [1500000000, '1.5s'],
    [60000000000, '1m0s'],
    [61500000000, '1m1.5s'],
    [3600000000000, '1h0m0s'],
    [3661000000001, '1h1m1.000000001s'],
    [100000, '100µs'],
  ];
  assert.deepEqual(
    go.map(([n]) => [n, goDuration(n)]),
    go,
  );
});

const result = (name: string, outcome: TestResult['outcome'], extra: Partial<TestResult> = {}): TestResult => ({
  test: { package: 'data.p', name, file: 'p_test.rego', row: 3, kind: 'test', partial: false },
  outcome,
  durationNs: 1500,
  ...extra,
});

test('only a summary when everything passes; failures under their location, errors indented', () => {
  assert.equal(prettyReport([result('test_a', 'PASS')], false), 'PASS: 1/1\n');
  assert.equal(prettyReport([], false), '');
  assert.equal(
    prettyReport([result('test_a', 'PASS'), result('test_b', 'ERROR', { error: 'p.rego:1:2: boom\nsecond line' })], false),
    `p_test.rego:3:\ndata.p.test_b: ERROR (1.5µs)\n  p.rego:1:2: boom\n  second line\n${'-'.repeat(80)}\nPASS: 1/2\nERROR: 1/2\n`,
  );
});
