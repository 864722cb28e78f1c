import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processSourceResults, NoResultsError } from '../../../src/policy/rules/process.ts';
import { ruleInfosFromModules } from '../../../src/policy/rules/annotations.ts';
import type { EvaluationContext, RawRuleOutcome } from '../../../src/policy/types.ts';

const rego = `package main
import rego.v1

# METADATA
# title: Reject
# description: Fails always.
# custom:
#   short_name: rejector
#   collections: [minimal]
#   solution: Do not.
deny contains result if {
  result := {"code": "main.rejector", "msg": "Fails always", "term": "t1"}
}

# METADATA
# title: Future
# description: Will fail later.
# custom:
#   short_name: future
#   effective_on: 2099-01-01T00:00:00Z
deny contains result if {
  result := {"code": "main.future", "msg": "Later.", "effective_on": "2099-01-01T00:00:00Z"}
}

# METADATA
# title: Depends
# custom:
#   short_name: dependent
#   depends_on: main.rejector
deny contains result if {
  result := {"code": "main.dependent", "msg": "skipped when rejector fails"}
}

# METADATA
# title: Acceptor
# description: Always passes.
# custom:
#   short_name: acceptor
#   collections: [minimal]
deny contains result if {
  false
  result := "never"
}

# METADATA
# title: Soft
# custom:
#   short_name: soft
warn contains result if {
  result := {"code": "main.soft", "msg": "softly", "severity": "failure"}
}
`;
const rules = ruleInfosFromModules([{ path: 'main.rego', text: rego }]);
const ctx: EvaluationContext = {
  imageDigest: `sha256:${'a'.repeat(64)}`,
  imageUrl: 'r/x',
  componentName: 'x',
  effectiveTime: new Date('2026-06-01T00:00:00Z'),
};
const raw: RawRuleOutcome[] = [
  {
    namespace: 'main',
    rule: 'deny',
    kind: 'deny',
    excepted: false,
    results: [
      { msg: 'Fails always', metadata: { code: 'main.rejector', term: 't1' } },
      { msg: 'Later.', metadata: { code: 'main.future', effective_on: '2099-01-01T00:00:00Z' } },
      { msg: 'skipped when rejector fails', metadata: { code: 'main.dependent' } },
    ],
  },
  { namespace: 'main', rule: 'warn', kind: 'warn', excepted: false, results: [{ msg: 'softly', metadata: { code: 'main.soft', severity: 'failure' } }] },
];

test('annotations: codes, titles, collections, effective_on kept as a string, depends_on as a list', () => {
  const rejector = rules.find((r) => r.code === 'main.rejector')!;
  assert.deepEqual(
    [rejector.title, rejector.description, rejector.solution, rejector.collections, rejector.kind],
    ['Reject', 'Fails always.', 'Do not.', ['minimal'], 'deny'],
  );
  assert.equal(rules.find((r) => r.code === 'main.future')!.effectiveOn, '2099-01-01T00:00:00Z');
  assert.deepEqual(rules.find((r) => r.code === 'main.dependent')!.dependsOn, ['main.rejector']);
});

test('categorisation, future effective_on, severity flip, depends_on trimming, successes and the exclude hint', () => {
  const out = processSourceResults(raw, rules, {}, {}, ctx, { showSuccesses: true });
  assert.deepEqual(
    out.violations.map((v) => v.metadata?.code),
    ['main.rejector', 'main.soft'],
  );
  assert.equal(
    out.violations[0]!.metadata?.description,
    'Fails always. To exclude this rule add "main.rejector:t1" to the `exclude` section of the policy configuration.',
  );
  assert.deepEqual(
    out.warnings.map((w) => w.msg),
    ['Later. This will become a failure starting on 2099-01-01T00:00:00Z'],
  );
  assert.deepEqual(
    out.successes.map((s) => s.metadata?.code),
    ['main.acceptor'],
  );
  assert.deepEqual(out.successes[0], {
    msg: 'Pass',
    metadata: { code: 'main.acceptor', collections: ['minimal'], description: 'Always passes.', title: 'Acceptor' },
  });
  assert.equal(out.successCount, 1);
});

test('include/exclude filter results and successes; unmatched includes warn', () => {
  const out = processSourceResults(raw, rules, { config: { include: ['@minimal', 'nothing.here'] } }, {}, ctx, { showSuccesses: true });
  assert.deepEqual(
    out.violations.map((v) => v.metadata?.code),
    ['main.rejector'],
  );
  assert.deepEqual(
    out.warnings.map((w) => w.msg),
    ["Include criterion 'nothing.here' doesn't match any policy rule"],
  );
  assert.deepEqual(
    out.successes.map((s) => s.metadata?.code),
    ['main.acceptor'],
  );
});

test('a source whose rules are all filtered out is a hard error', () => {
  assert.throws(() => processSourceResults(raw, rules, { config: { exclude: ['*', 'main'] } }, {}, ctx, { showSuccesses: false }), NoResultsError);
});

test('effective_on older than 90 days before the effective time is dropped', () => {
  const old: RawRuleOutcome[] = [
    {
      namespace: 'main',
      rule: 'deny',
      kind: 'deny',
      excepted: false,
      results: [{ msg: 'x', metadata: { code: 'main.rejector', effective_on: '2022-01-01T00:00:00Z' } }],
    },
  ];
  const out = processSourceResults(old, rules, {}, {}, ctx, { showSuccesses: false });
  assert.equal(out.violations[0]!.metadata?.effective_on, undefined);
});
