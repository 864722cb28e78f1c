// The Action's annotations under the runner's cap: at most 10 of each kind per step, the rest dropped
// silently (actions/runner src/Runner.Worker/ExecutionContext.cs @ 258d6c857db3519913f7deb6004b60172f8043ae,
// AddIssue, _maxCountPerIssueType = 10). The headline must be one of those kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAnnotations, type PlannedAnnotation } from '../../../src/faces/github.ts';
import { locationKey } from '../../../src/report/locations.ts';
import type { ComponentReport, Report } from '../../../src/model/report.ts';

function run(failing: number, warned: number, unchecked = 0): Report {
  const components: ComponentReport[] = [];
  for (let i = 0; i < failing; i++) {
    components.push({
      name: `bad-${i}`,
      containerImage: `r.example/bad-${i}@sha256:${'1'.repeat(64)}`,
      source: {},
      success: false,
      violations: [{ msg: 'no signatures found', metadata: { code: 'builtin.image.signature_check' } }],
    });
  }
  for (let i = 0; i < warned; i++) {
    components.push({
      name: `warn-${i}`,
      containerImage: `r.example/warn-${i}`,
      source: {},
      success: true,
      warnings: [{ msg: 'soon', metadata: { code: 'labels.required' } }],
    });
  }
  for (let i = 0; i < unchecked; i++) {
    components.push({
      name: `down-${i}`,
      containerImage: `r.example/down-${i}:v1`,
      source: {},
      success: false,
      violations: [{ msg: 'Image URL is not accessible: dial tcp: connection refused', metadata: { code: 'builtin.image.accessible' } }],
      infrastructureError: { code: 'UNREACHABLE', message: 'dial tcp: connection refused' },
    });
  }
  return { success: failing + unchecked === 0, components, key: '', policy: {}, 'ec-version': 'v', 'effective-time': 't' };
}

/** What the runner keeps: the first 10 of each kind. */
function kept(plan: PlannedAnnotation[], used = { errors: 0, warnings: 0 }): PlannedAnnotation[] {
  const count = { error: used.errors, warning: used.warnings, notice: 0 };
  return plan.filter((a) => count[a.kind]++ < 10);
}

test('15 failing components, strict: the headline is the first error and survives the cap; 9 components annotated; a notice points at the summary', () => {
  const plan = planAnnotations(run(15, 0), undefined, { errors: 0, warnings: 0 }, true);
  assert.deepEqual(kept(plan), plan, 'nothing the runner would drop');
  assert.deepEqual(plan[0], { kind: 'error', message: 'vouch: 15 violations in 15 of 15 components' });
  const errors = plan.filter((a) => a.kind === 'error');
  assert.equal(errors.length, 10);
  assert.deepEqual(
    errors.slice(1).map((a) => a.props?.title),
    Array.from({ length: 9 }, (_, i) => `bad-${i}: 1 violation(s)`),
  );
  assert.equal(plan.at(-1)!.kind, 'notice');
  assert.match(plan.at(-1)!.message, /^6 more component annotation\(s\) not shown .*: see the job summary/);
});

test('warnings: the strict note already made one; the headline of a non-strict failure is a warning; each stays within 10', () => {
  const plan = planAnnotations(run(3, 12), undefined, { errors: 0, warnings: 1 }, false);
  assert.deepEqual(kept(plan, { errors: 0, warnings: 1 }), plan);
  assert.deepEqual(plan[0], { kind: 'warning', message: 'vouch: 3 violations in 3 of 15 components' });
  assert.equal(plan.filter((a) => a.kind === 'warning').length, 9);
  assert.equal(plan.filter((a) => a.kind === 'error').length, 3);
  assert.match(plan.at(-1)!.message, /^4 more component annotation/);
});

test('a component that could not be checked is annotated as such, not as a violation; a passing run gets a notice', () => {
  const report = run(0, 0, 2);
  const plan = planAnnotations(
    report,
    { path: 'deploy/components.yaml', lines: { [locationKey(report.components[1]!)]: 9 } },
    { errors: 0, warnings: 0 },
    true,
  );
  assert.deepEqual(plan[0], {
    kind: 'error',
    message: 'vouch: 2 components of 2 could not be checked (registry or network error); no policy violation in the others',
  });
  assert.deepEqual(plan[2], {
    kind: 'error',
    message: 'down-1: could not be checked: dial tcp: connection refused',
    props: { title: 'down-1: UNREACHABLE', file: 'deploy/components.yaml', startLine: 9 },
  });
  assert.ok(!plan.some((a) => /violation/.test(a.props?.title ?? '')));
  assert.deepEqual(planAnnotations(run(0, 0), undefined, { errors: 0, warnings: 0 }, true), [
    { kind: 'notice', message: 'vouch: no check ran on 0 components' },
  ]);
});

test('action.yml declares every output the face sets, and nothing it never sets', async () => {
  const { readFile } = await import('node:fs/promises');
  const yaml = (await import('js-yaml')).default;
  const root = new URL('../../../', import.meta.url);
  const action = yaml.load(await readFile(new URL('action.yml', root), 'utf8')) as { outputs: Record<string, { description: string }> };
  const source = await readFile(new URL('src/faces/github.ts', root), 'utf8');
  const set = new Set([...source.matchAll(/core\.setOutput\('([\w-]+)'/g)].map((m) => m[1]!));
  assert.deepEqual([...set].sort(), Object.keys(action.outputs).sort());
});
