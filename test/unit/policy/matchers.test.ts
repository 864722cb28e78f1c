import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryScore, isIncluded, matchersFor, resolveIncludeExclude, score } from '../../../src/policy/rules/matchers.ts';
import type { EvaluationContext } from '../../../src/policy/types.ts';

test("ec's specificity table", () => {
  assert.equal(entryScore('@minimal'), 10);
  assert.equal(entryScore('*'), 1);
  assert.equal(entryScore('pkg'), 10);
  assert.equal(entryScore('pkg.*'), 10);
  assert.equal(entryScore('a.pkg.*'), 20);
  assert.equal(entryScore('pkg.rule'), 110);
  assert.equal(entryScore('pkg.rule:term'), 210);
  assert.equal(entryScore('*.rule'), 101);
});

test('matchers use only the last two code segments', () => {
  const m = matchersFor('release.maven_repos.deny_unpermitted_urls', 'x', ['redhat']);
  assert.deepEqual(m, [
    'maven_repos',
    'maven_repos.*',
    'maven_repos.deny_unpermitted_urls',
    'maven_repos:x',
    'maven_repos.*:x',
    'maven_repos.deny_unpermitted_urls:x',
    '*',
    '@redhat',
  ]);
  assert.equal(score(['maven_repos.deny_unpermitted_urls'], m), 110);
  assert.equal(score(['release.maven_repos.deny_unpermitted_urls'], m), 0, 'the full nested path never matches');
});

test('include vs exclude: the more specific entry wins; default * loses to any exclude', () => {
  const m = matchersFor('pkg.rule', 'term1', ['minimal']);
  assert.equal(isIncluded(m, { include: ['*'], exclude: [] }), true);
  assert.equal(isIncluded(m, { include: ['*'], exclude: ['pkg'] }), false);
  assert.equal(isIncluded(m, { include: ['pkg.rule'], exclude: ['pkg'] }), true);
  assert.equal(isIncluded(m, { include: ['@minimal'], exclude: ['pkg.rule:term1'] }), false);
  assert.equal(isIncluded(m, { include: ['pkg.rule:term1'], exclude: ['pkg.rule'] }), true);
  assert.equal(isIncluded(matchersFor('pkg.rule', 'term2', []), { include: ['*'], exclude: ['pkg.rule:term1'] }), true);
});

const ctx = (over: Partial<EvaluationContext> = {}): EvaluationContext => ({
  imageDigest: `sha256:${'a'.repeat(64)}`,
  imageUrl: 'quay.io/acme/widget',
  componentName: 'widget',
  effectiveTime: new Date('2026-06-01T00:00:00Z'),
  ...over,
});

test('volatile config applies by digest, image URL, component name and time window', () => {
  const source = {
    config: { include: ['@minimal'] },
    volatileConfig: {
      exclude: [
        { value: 'by.digest', imageDigest: `sha256:${'a'.repeat(64)}` },
        { value: 'other.digest', imageDigest: `sha256:${'b'.repeat(64)}` },
        { value: 'by.url', imageUrl: 'quay.io/acme/widget' },
        { value: 'by.name', componentNames: ['widget'] },
        { value: 'expired', effectiveUntil: '2026-01-01T00:00:00Z' },
        { value: 'future', effectiveOn: '2027-01-01T00:00:00Z' },
        { value: 'global' },
      ],
    },
  };
  const cfg = resolveIncludeExclude(source, {}, ctx());
  assert.deepEqual(cfg.exclude, ['by.digest', 'by.url', 'by.name', 'global']);
  const expanded = resolveIncludeExclude(source, {}, ctx({ componentName: `widget-sha256:${'c'.repeat(64)}-amd64`, originalComponentName: 'widget' }));
  assert.ok(expanded.exclude.includes('by.name'), 'the original multi-arch name matches too');
});

test('top-level configuration is the fallback, and include defaults to *', () => {
  assert.deepEqual(resolveIncludeExclude({}, { configuration: { include: ['a'], collections: ['minimal'], exclude: ['b'] } }, ctx()), {
    include: ['a', '@minimal'],
    exclude: ['b'],
    reportableIncludes: ['a', '@minimal'],
  });
  assert.deepEqual(resolveIncludeExclude({}, {}, ctx()).include, ['*']);
});
