// Rule results come from Rego an attacker may write (a remote policy source): whatever a deny rule
// returns — wrong-typed fields, no `msg`, huge sets — evaluation either fails with a typed error or
// reports a failure; a malformed result never becomes a pass. The same for METADATA annotations.
// Results go through a policy compiled by the real opa and evaluated as vouch evaluates it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, VouchError } from '../../../src/errors.ts';
import { compilePolicy } from '../../../src/policy/opa/compile.ts';
import { ruleInfosFromModules } from '../../../src/policy/rules/annotations.ts';
import { processSourceResults } from '../../../src/policy/rules/process.ts';
import type { EvaluationContext, RawRuleOutcome, RuleInfo } from '../../../src/policy/types.ts';
import { loadCompiledPolicy, type LoadedPolicy } from '../../../src/policy/wasm/evaluate.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { assertLinear } from '../../support/cpu-time.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const ctx: EvaluationContext = { imageDigest: 'sha256:1', imageUrl: 'r.example/app', componentName: 'app', effectiveTime: NOW };
const source = { name: 'fuzz' };
const spec = { sources: [source] };

// Every element of data.results is a deny result; a warn rule returns data.warnings.
const POLICY = 'package fuzz\n\nimport rego.v1\n\ndeny contains r if {\n\tsome r in data.results\n}\n\nwarn contains r if {\n\tsome r in data.warnings\n}\n';

let compiled: Promise<Awaited<ReturnType<typeof compilePolicy>>> | undefined;
const policyWith = async (data: Record<string, unknown>): Promise<LoadedPolicy> => {
  compiled ??= mkdtemp(join(tmpdir(), 'vouch-fuzz-')).then((cacheDir) => compilePolicy([{ path: 'fuzz.rego', text: POLICY }], { cacheDir, env: process.env }));
  return loadCompiledPolicy(await compiled, data, { now: NOW });
};

const field = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('warning', 'failure', '2099-01-01T00:00:00Z', '2000-01-01T00:00:00Z', 'fuzz.rule', '*', '@minimal'),
);
const resultObject = fc.dictionary(
  fc.constantFrom('msg', 'code', 'term', 'severity', 'effective_on', 'collections', 'depends_on', 'title', 'description', 'solution', '_loc', 'query', 'x'),
  field,
  { maxKeys: 8 },
);
const result = fc.oneof(fc.string(), resultObject, fc.jsonValue({ maxDepth: 2 }));

/** A result the run may rightly not count as a violation: a warning, not yet effective, or trimmed by depends_on. */
function mayNotFail(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const m = r as Record<string, unknown>;
  return m.severity === 'warning' || (typeof m.effective_on === 'string' && Date.parse(m.effective_on) > NOW.getTime()) || m.depends_on !== undefined;
}

function outcomeOf(raw: RawRuleOutcome[], rules: RuleInfo[] = []): ReturnType<typeof processSourceResults> | VouchError {
  try {
    return processSourceResults(raw, rules, source, spec, ctx, { showSuccesses: true, sourceName: 'fuzz' });
  } catch (err) {
    assert.ok(err instanceof VouchError, `untyped error: ${String(err)}`);
    return err;
  }
}

test('any deny result set: a typed error, or at least one violation unless every result is a warning or not yet in force', async () => {
  await fuzz(
    fc.asyncProperty(fc.array(result, { minLength: 1, maxLength: 6 }), async (results) => {
      const policy = await policyWith({ results, warnings: [] });
      let raw: RawRuleOutcome[];
      try {
        raw = policy.evaluate({});
      } catch (err) {
        assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
        return;
      }
      const outcome = outcomeOf(raw);
      if (outcome instanceof VouchError) return;
      if (results.some((r) => !mayNotFail(r))) assert.ok(outcome.violations.length > 0, `no violation for ${JSON.stringify(results)}`);
      assert.equal(outcome.successCount, 0);
      for (const v of [...outcome.violations, ...outcome.warnings]) assert.equal(typeof v.msg, 'string');
    }),
  );
});

test('huge result sets are processed in bounded time, every result reported', () => {
  const many = (n: number, kind: 'deny' | 'warn'): RawRuleOutcome => ({
    namespace: 'fuzz',
    rule: kind,
    kind,
    excepted: false,
    results: Array.from({ length: n }, (_, i) => ({ msg: `m${i}`, metadata: { code: `fuzz.r${i % 97}`, term: [String(i), i], collections: i } })),
  });
  const outcome = outcomeOf([many(50_000, 'deny'), many(20_000, 'warn')]);
  assert.ok(!(outcome instanceof VouchError));
  assert.equal(outcome.violations.length, 50_000);
  assert.equal(outcome.warnings.length, 20_000);
  assertLinear(
    'processing n results',
    2_000,
    (n) => [many(n, 'deny'), many(n, 'warn')],
    (raw) => outcomeOf(raw),
  );
});

const yamlScalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.constantFrom('true', 'null', '2099-01-01', '[a, b]', '{a: 1}', '- x', ': :', '"q', '&a', '*a', '!!binary x'),
);
const metadataBlock = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('title', 'description', 'scope', 'custom'), yamlScalar), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom('short_name', 'collections', 'effective_on', 'depends_on', 'solution', 'pipeline_intention'), yamlScalar), {
      maxLength: 4,
    }),
  )
  .map(([top, custom]) => ['# METADATA', ...top.map(([k, v]) => `# ${k}: ${v}`), '# custom:', ...custom.map(([k, v]) => `#   ${k}: ${v}`)].join('\n'));

test('any METADATA annotation: a typed error, or rule information of the declared types', () => {
  fuzz(
    fc.property(fc.array(metadataBlock, { minLength: 1, maxLength: 3 }), (blocks) => {
      const text = `package fuzz\n\nimport rego.v1\n\n${blocks.map((b, i) => `${b}\ndeny_${i} contains "x" if true`).join('\n\n')}\n`;
      let infos: RuleInfo[];
      try {
        infos = ruleInfosFromModules([{ path: 'fuzz.rego', text }]);
      } catch (err) {
        assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
        return;
      }
      const strings = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      for (const info of infos) {
        for (const k of ['shortName', 'title', 'description', 'solution', 'effectiveOn'] as const)
          assert.ok(info[k] === undefined || typeof info[k] === 'string', `${k}: ${JSON.stringify(info[k])}`);
        assert.ok(strings(info.collections) && strings(info.dependsOn) && strings(info.pipelineIntention), JSON.stringify(info));
      }
      // Whatever the annotations say, a failing result of these rules is still a failure.
      const raw: RawRuleOutcome[] = infos
        .filter((i) => i.kind === 'deny')
        .map((i) => ({ namespace: i.package, rule: i.rule, kind: 'deny', excepted: false, results: [{ msg: 'fails', metadata: {} }] }));
      const outcome = outcomeOf(raw, infos);
      if (outcome instanceof VouchError || raw.length === 0) return;
      const lenient = infos.some((i) => i.effectiveOn !== undefined || i.dependsOn !== undefined);
      if (!lenient) assert.ok(outcome.violations.length > 0, JSON.stringify(infos));
    }),
  );
});
