// ec's result semantics where they decide verdicts, end to end through vouch's engine (real opa,
// real wasm). Each expectation was first observed with the real ec v0.9.115 (`ec validate input`
// on the same Rego; conforma/cli a183384): the comments say what ec printed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoResultsError } from '../../../../src/policy/rules/process.ts';
import { codes, evaluateSource, tree } from './engine-harness.ts';

const DEPENDS = `package main

import rego.v1

# METADATA
# title: A
# custom:
#   short_name: a
deny contains {"code": "main.a", "msg": "a failed"}

# METADATA
# title: B
# custom:
#   short_name: b
deny contains {"code": "main.b", "msg": "b failed"} if false

# METADATA
# title: C
# custom:
#   short_name: c
#   depends_on: [main.a, main.b]
deny contains {"code": "main.c", "msg": "c failed"}

# METADATA
# title: D
# custom:
#   short_name: d
#   depends_on: [main.b, main.e]
deny contains {"code": "main.d", "msg": "d failed"}

# METADATA
# title: E
# custom:
#   short_name: e
deny contains {"code": "main.e", "msg": "e failed"} if false

# METADATA
# title: F
# custom:
#   short_name: f
#   depends_on: [main.b, main.e]
deny contains {"code": "main.f", "msg": "f failed"} if false

# METADATA
# title: G
# custom:
#   short_name: g
#   depends_on: [main.a]
deny contains {"code": "main.g", "msg": "g failed"}

deny contains {"code": "main.h", "msg": "h failed", "depends_on": ["main.a"], "collections": "minimal"}

deny contains {"code": "main.i", "msg": "i failed", "collections": ["minimal", 1, true, null, {"x": 1}, ["y", 2]]}
`;

test('depends_on: a result is kept once per dependency that went unreported; only the annotation trims', async () => {
  const dir = await tree({ 'policy/main.rego': DEPENDS });
  const out = await evaluateSource({ policy: [`${dir}/policy`] });
  // ec: violations a, c (b unreported), d twice, h, i; successes b, e, f twice; g dropped (a reported).
  assert.deepEqual(codes(out.violations), ['main.a', 'main.c', 'main.d', 'main.d', 'main.h', 'main.i']);
  assert.deepEqual(codes(out.successes), ['main.b', 'main.e', 'main.f', 'main.f']);
  assert.equal(out.successCount, 4);
  const h = out.violations.find((r) => r.metadata?.code === 'main.h')!;
  // A result's own depends_on is kept as written and trims nothing; a string `collections` is dropped.
  assert.deepEqual(h.metadata?.depends_on, ['main.a']);
  assert.equal(h.metadata.collections, undefined);
  // ec prints each element of a result's collections with Go's fmt.Sprint.
  assert.deepEqual(out.violations.find((r) => r.metadata?.code === 'main.i')!.metadata?.collections, ['minimal', '1', 'true', '<nil>', 'map[x:1]', '[y 2]']);
});

const EFFECTIVE = `package main

import rego.v1

deny contains {"code": "main.dateonly", "msg": "date only", "effective_on": "2099-01-01"}

deny contains {"code": "main.future", "msg": "future.", "effective_on": "2099-01-01T00:00:00Z"}

deny contains {"code": "main.frac", "msg": "fraction", "effective_on": "2099-01-01T00:00:00.5Z"}

deny contains {"code": "main.equal", "msg": "equal", "effective_on": "2026-06-01T00:00:00Z"}

deny contains {"code": "main.offset", "msg": "offset", "effective_on": "2099-01-01T00:00:00+01:00"}

deny contains {"code": "main.old", "msg": "old", "effective_on": "2020-01-01T00:00:00Z"}

deny contains {"code": "dotless", "msg": "dotless"}

deny contains {"code": "main.terms", "msg": "terms", "term": [1, "", "t"]}
`;

test('effective_on in force unless it reads as 2006-01-02T15:04:05Z and is not before the effective time; matchers as ec makes them', async () => {
  const dir = await tree({ 'policy/main.rego': EFFECTIVE });
  // Neither exclude matches in ec: a code without a dot has no package matchers, and terms that are
  // not strings, or empty, make no matchers.
  const out = await evaluateSource({ policy: [`${dir}/policy`], config: { exclude: ['dotless', 'main.terms:1', 'main.terms:'] } });
  assert.deepEqual(
    out.violations.map((r) => [r.msg, r.metadata?.effective_on]),
    [
      ['dotless', undefined],
      ['date only', '2099-01-01'],
      ['offset', '2099-01-01T00:00:00+01:00'],
      ['old', undefined],
      ['terms', undefined],
    ],
  );
  assert.deepEqual(
    out.warnings.map((r) => r.msg),
    [
      'equal. This will become a failure starting on 2026-06-01T00:00:00Z',
      'fraction. This will become a failure starting on 2099-01-01T00:00:00.5Z',
      'future. This will become a failure starting on 2099-01-01T00:00:00Z',
    ],
  );
});

test('a source with nothing but unmatched includes is an error, as in ec (the warnings do not count)', async () => {
  const dir = await tree({ 'policy/main.rego': DEPENDS });
  await assert.rejects(evaluateSource({ policy: [`${dir}/policy`], config: { include: ['nothing.here'] } }), NoResultsError);
});

const NESTED = `package release.maven_repos

import rego.v1

# METADATA
# title: B
# custom:
#   short_name: b
deny contains {"code": "release.maven_repos.b", "msg": "b failed", "term": "t"}

# METADATA
# title: C
# custom:
#   short_name: c
deny contains {"code": "release.maven_repos.c", "msg": "c failed"} if false
`;

// ec v0.9.115 groups rules by the FIRST segment of their code to pick the packages to evaluate
// (internal/evaluator/filters.go baseResolvePolicy), so `release.maven_repos` is never evaluated
// unless no package is picked at all; vouch does the same (src/policy/rules/packages.ts).
test('rules of a nested package are not evaluated while another package is picked, as in ec', async () => {
  const dir = await tree({
    'policy/main.rego':
      'package main\n\nimport rego.v1\n\n# METADATA\n# title: A\n# custom:\n#   short_name: a\ndeny contains {"code": "main.a", "msg": "a failed"}\n',
    'policy/maven.rego': NESTED,
  });
  const all = await evaluateSource({ policy: [`${dir}/policy`] });
  // ec: only main.a, no success of the nested package.
  assert.deepEqual(codes(all.violations), ['main.a']);
  assert.deepEqual(codes(all.successes), []);
  // Picked by its rules' matchers (`maven_repos.*`), the nested package still is not evaluated: its
  // first segment names the package `release`, which does not exist, so the include is unmatched.
  const picked = await evaluateSource({ policy: [`${dir}/policy`], config: { include: ['maven_repos.*', 'main'] } });
  assert.deepEqual(codes(picked.violations), ['main.a']);
  assert.deepEqual(
    picked.warnings.map((w) => w.msg),
    ["Include criterion 'maven_repos.*' doesn't match any policy rule"],
  );
  // ec with only a term-scoped include picks no package, evaluates all, and reports b.
  const byTerm = await evaluateSource({ policy: [`${dir}/policy`], config: { include: ['maven_repos.b:t'] } });
  assert.deepEqual(codes(byTerm.violations), ['release.maven_repos.b']);
  // The full nested path is not a matcher, in ec either.
  const full = await evaluateSource({ policy: [`${dir}/policy`], config: { include: ['release.maven_repos.b', 'main'] } });
  assert.deepEqual(codes(full.violations), ['main.a']);
  assert.deepEqual(
    full.warnings.map((w) => w.msg),
    ["Include criterion 'release.maven_repos.b' doesn't match any policy rule"],
  );
});

const PICKED = `package other

import rego.v1

# METADATA
# title: X
# custom:
#   short_name: x
#   collections: [other]
deny contains {"code": "other.x", "msg": "x failed"}
`;

const THIRD = `package third

import rego.v1

deny contains {"msg": "no code, no annotation"}
`;

test('a package none of whose rules is included is not evaluated: its uncoded results are absent too', async () => {
  const dir = await tree({
    'policy/main.rego':
      'package main\n\nimport rego.v1\n\n# METADATA\n# title: A\n# custom:\n#   short_name: a\n#   collections: [mine]\ndeny contains {"code": "main.a", "msg": "a failed"}\n',
    'policy/other.rego': PICKED,
    'policy/third.rego': THIRD,
  });
  const mine = await evaluateSource({ policy: [`${dir}/policy`], config: { include: ['@mine'] } });
  assert.deepEqual(codes(mine.violations), ['main.a']);
  // With every package picked (`*` includes the unannotated rule, code `third.deny`), the uncoded result is kept.
  const every = await evaluateSource({ policy: [`${dir}/policy`] });
  assert.deepEqual(codes(every.violations), ['(no code) no code, no annotation', 'main.a', 'other.x']);
  // A component-scoped include does not pick a package: `other` is not evaluated for it.
  const scoped = await evaluateSource({
    policy: [`${dir}/policy`],
    config: { include: ['@mine'] },
    volatileConfig: { include: [{ value: 'other.x', componentNames: ['app'] }] },
  });
  assert.deepEqual(codes(scoped.violations), ['main.a']);
});

const HINTS = `package main

import rego.v1

# METADATA
# title: Hint
# description: Has a hint.
# custom:
#   short_name: hint
deny contains {"code": "main.hint", "msg": "hint", "term": [1, "", "t"]}

# METADATA
# title: Two
# description: Two terms
# custom:
#   short_name: two
deny contains {"code": "main.two", "msg": "two", "term": ["a", "b"]}
`;

test('the exclude hint names only non-empty string terms', async () => {
  const dir = await tree({ 'policy/main.rego': HINTS });
  const out = await evaluateSource({ policy: [`${dir}/policy`] });
  // ec printed exactly these.
  assert.deepEqual(
    out.violations.map((r) => r.metadata?.description),
    [
      'Has a hint. To exclude this rule add "main.hint:t" to the `exclude` section of the policy configuration.',
      'Two terms. To exclude this rule add one or more of "main.two:a", "main.two:b" to the `exclude` section of the policy configuration.',
    ],
  );
});
