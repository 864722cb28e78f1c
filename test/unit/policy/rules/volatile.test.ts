// Which include/exclude entries apply to an image, as ec v0.9.115 computes them (conforma/cli
// a183384 internal/evaluator/criteria.go). The cases marked "ec:" were observed with the real ec
// (`ec validate input`, where no image matches an image-scoped criterion).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveIncludeExclude } from '../../../../src/policy/rules/matchers.ts';
import type { EvaluationContext } from '../../../../src/policy/types.ts';

const ctx: EvaluationContext = {
  imageDigest: `sha256:${'a'.repeat(64)}`,
  imageUrl: 'quay.io/acme/widget',
  componentName: 'widget',
  effectiveTime: new Date('2026-06-01T00:00:00Z'),
};
const OTHER = `sha256:${'b'.repeat(64)}`;

test('a criterion whose time does not parse is skipped, never applied (ec: the rule still fails)', () => {
  const cfg = resolveIncludeExclude(
    {
      volatileConfig: {
        exclude: [
          { value: 'main', effectiveUntil: 'not a time' },
          { value: 'other', effectiveOn: '2026-13-01' },
          { value: 'day', effectiveOn: '2026-05-31' },
        ],
      },
    },
    {},
    ctx,
  );
  assert.deepEqual(cfg.exclude, ['day']);
});

test("a criterion for another image still counts as given: no top-level fallback, no default '*'", () => {
  // ec: the rules of the source are evaluated with '*', not the top-level @nothing.
  const excludeElsewhere = resolveIncludeExclude(
    { volatileConfig: { exclude: [{ value: 'main', imageDigest: OTHER }] } },
    { configuration: { include: ['@nothing'] } },
    ctx,
  );
  assert.deepEqual([excludeElsewhere.include, excludeElsewhere.exclude], [['*'], []]);
  // ec: "no successes, warnings, or failures": nothing is included for this image.
  const includeElsewhere = resolveIncludeExclude({ volatileConfig: { include: [{ value: 'main', imageDigest: OTHER }] } }, {}, ctx);
  assert.deepEqual(includeElsewhere.include, []);
});

test('image criteria match the repository name or the digest exactly; the first of imageRef, imageUrl, imageDigest decides', () => {
  const cfg = resolveIncludeExclude(
    {
      volatileConfig: {
        exclude: [
          { value: 'suffix', imageUrl: 'acme/widget' },
          { value: 'url', imageUrl: 'quay.io/acme/widget' },
          { value: 'digest-as-url', imageUrl: ctx.imageDigest },
          { value: 'ref-digest', imageRef: ctx.imageDigest },
          { value: 'empty-names', componentNames: [] },
        ],
      },
    },
    {},
    ctx,
  );
  assert.deepEqual(cfg.exclude, ['url', 'digest-as-url', 'ref-digest', 'empty-names']);
});
