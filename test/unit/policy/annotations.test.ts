// Rule metadata read from the example policies' own METADATA blocks, and the edge cases of the
// scanner (scopes, defaults, invalid YAML, duplicate codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/errors.ts';
import { parseRegoModule, ruleInfosFromModules, ruleKind } from '../../../src/policy/rules/annotations.ts';

const policies = fileURLToPath(new URL('../../../examples/policies', import.meta.url));

async function examplePolicyFiles(): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(policies, { recursive: true });
  const rego = entries.filter((e) => e.endsWith('.rego')).sort();
  return Promise.all(rego.map(async (p) => ({ path: p, text: await readFile(join(policies, p), 'utf8') })));
}

test('rule kinds follow conftest: deny/violation and warn, with suffixes', () => {
  assert.equal(ruleKind('deny'), 'deny');
  assert.equal(ruleKind('violation_images'), 'deny');
  assert.equal(ruleKind('warn_old'), 'warn');
  assert.equal(ruleKind('denied'), 'other');
  assert.equal(ruleKind('test_deny'), 'other');
});

test('the example policies: every annotated rule has a code, a title, collections; test files are skipped', async () => {
  const infos = ruleInfosFromModules(await examplePolicyFiles());
  const annotated = infos.filter((i) => i.annotated);
  assert.equal(annotated.length, 20, annotated.map((i) => i.code).join(', '));
  assert.ok(
    annotated.every((i) => i.title && i.description && i.collections?.length),
    'titles, descriptions, collections',
  );
  assert.ok(!infos.some((i) => i.package.endsWith('_test')), 'no rule from *_test.rego');
  const byCode = new Map(infos.map((i) => [i.code, i]));
  const builder = byCode.get('builder.allowed')!;
  assert.equal(builder.kind, 'deny');
  assert.deepEqual(builder.collections, ['minimal', 'slsa3']);
  assert.deepEqual(builder.dependsOn, ['slsa_provenance_available.attestation_present']);
  assert.equal(byCode.get('future.source_label')!.effectiveOn, '2099-01-01T00:00:00Z', 'YAML timestamps stay strings');
  assert.equal(byCode.get('tekton_tasks.required_tasks_found')!.kind, 'warn');
  assert.equal(byCode.get('labels.required')!.solution, 'Add the label to the image, e.g. with LABEL in the Containerfile.');
});

test('scopes: package annotations before the package line, document scope, defaults drop pending blocks', () => {
  const mod = parseRegoModule(
    'p.rego',
    [
      '# METADATA',
      '# title: The package',
      'package data.acme.checks',
      '',
      '# METADATA',
      '# scope: document',
      '# title: All denies',
      'deny contains r if { r := 1 }',
      '# METADATA',
      '# title: dropped',
      'default allow := false',
      'allow if { true }',
    ].join('\n'),
  );
  assert.equal(mod.package, 'acme.checks', 'data. prefix removed');
  assert.deepEqual(
    mod.annotations.map((a) => [a.scope, a.rule, a.data.title]),
    [
      ['package', undefined, 'The package'],
      ['document', 'deny', 'All denies'],
    ],
  );
  assert.deepEqual(
    mod.rules.map((r) => [r.name, r.line, r.head]),
    [
      ['deny', 8, 'deny contains r if'],
      ['allow', 12, 'allow if'],
    ],
  );
});

test('a METADATA block that is not YAML names the file and line', () => {
  assert.throws(
    () => parseRegoModule('bad/policy.rego', 'package bad\n\n# METADATA\n# title: [unclosed\ndeny contains 1 if { true }\n'),
    (e: unknown) => e instanceof InputError && e.code === 'REGO_METADATA_INVALID' && /bad\/policy\.rego:3/.test(e.message),
  );
});

test('two rules with the same code are refused, as ec refuses them', () => {
  const rule = (pkg: string): string => `package ${pkg}\n\n# METADATA\n# custom:\n#   short_name: same\ndeny contains 1 if { true }\n`;
  assert.throws(
    () =>
      ruleInfosFromModules([
        { path: 'a.rego', text: rule('acme') },
        { path: 'b.rego', text: rule('acme') },
      ]),
    (e: unknown) => e instanceof InputError && e.code === 'DUPLICATE_RULE_CODE' && /acme\.same \(b\.rego:3\)/.test(e.message),
  );
  assert.equal(
    ruleInfosFromModules([
      { path: 'a.rego', text: rule('one') },
      { path: 'b.rego', text: rule('two') },
    ]).filter((i) => i.annotated).length,
    2,
  );
});

// ec v0.9.115 printed these effective_on values (conforma/policy's olm.rego has `2025-5-01T00:00:00Z`,
// git_branch.rego `2025-07-01`): OPA reads METADATA with yaml.v3, whose plain timestamps ec formats
// as RFC 3339. Quoted values stay as written.
test('effective_on written as a YAML timestamp is the time ec prints; quoted, it stays as written', () => {
  const text = (v: string): string => `package p\n\n# METADATA\n# custom:\n#   short_name: r\n#   effective_on: ${v}\ndeny contains "x"\n`;
  const on = (v: string): string | undefined => ruleInfosFromModules([{ path: 'p.rego', text: text(v) }]).find((r) => r.code === 'p.r')?.effectiveOn;
  assert.equal(on('2025-5-01T00:00:00Z'), '2025-05-01T00:00:00Z');
  assert.equal(on('2025-07-01'), '2025-07-01T00:00:00Z');
  assert.equal(on('2025-07-01 1:2:3.5'), '2025-07-01T01:02:03Z');
  assert.equal(on('2025-07-01T10:00:00.25+01:00'), '2025-07-01T10:00:00+01:00');
  assert.equal(on('"2025-07-01"'), '2025-07-01');
  for (const v of ['2025-07-01T00:00:00', '2025-02-30', '2025-13-01', '2025-07-01 00:00:00Z', '25-07-01']) assert.equal(on(v), v, v);
});
