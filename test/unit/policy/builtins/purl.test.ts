// ec.purl.is_valid and ec.purl.parse against what ec answers: packageurl-go v0.1.3's own answers,
// recorded for the purl-spec suite and the hostile cases of purl-cases.ts, and the purl-spec suite
// itself, with the four cases where packageurl-go (and so ec) departs from the specification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { purlBuiltins, purlIsValid, purlParse, type ParsedPurl } from '../../../../src/policy/builtins/purl.ts';
import { HOSTILE_PURLS } from './purl-cases.ts';
import { assertLinear, withinCpu } from '../../../support/cpu-time.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/purl-spec/${name}`, import.meta.url), 'utf8'));

interface SuiteCase {
  description: string;
  purl: string;
  type: string | null;
  namespace: string | null;
  name: string | null;
  version: string | null;
  qualifiers: Record<string, string> | null;
  subpath: string | null;
  is_invalid: boolean;
}

const SUITE = fixture('test-suite-data.json') as SuiteCase[];
const GO_ANSWERS = fixture('packageurl-go-v0.1.3-answers.json') as Record<string, { valid: boolean; parse: ParsedPurl | null }>;

/** Where packageurl-go v0.1.3, and so ec, answers otherwise than the suite expects. */
const GO_DEPARTS_FROM_SPEC: Record<string, string> = {
  'pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E%2E/api/annotations/':
    'decodes the subpath first, then refuses the ".." segment the spec allows when encoded',
  'pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E/api/annotations/':
    'decodes the subpath first, then refuses the "." segment the spec allows when encoded',
  'pkg:cpan/Perl-Version@1.013': 'has no cpan rules: accepts a distribution name where the spec wants a module name',
  'pkg:cpan/GDT/URI::PackageURL@2.11': 'has no cpan rules: accepts a module name with a namespace',
};

function specAnswer(c: SuiteCase): ParsedPurl | null {
  if (c.is_invalid) return null;
  const qualifiers = Object.entries(c.qualifiers ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { type: c.type!, namespace: c.namespace ?? '', name: c.name!, version: c.version ?? '', qualifiers, subpath: c.subpath ?? '' };
}

test("every recorded packageurl-go answer is vouch's answer", () => {
  const purls = Object.keys(GO_ANSWERS);
  assert.ok(purls.length >= SUITE.length + HOSTILE_PURLS.length - 5, 'the recording covers the suite and the hostile cases');
  for (const purl of [...SUITE.map((c) => c.purl), ...HOSTILE_PURLS]) assert.ok(purl in GO_ANSWERS, `recorded: ${JSON.stringify(purl)}`);
  for (const [purl, go] of Object.entries(GO_ANSWERS)) {
    assert.equal(purlIsValid(purl), go.valid, `is_valid ${JSON.stringify(purl)}`);
    assert.deepEqual(purlParse(purl) ?? null, go.parse, `parse ${JSON.stringify(purl)}`);
  }
});

test('the purl-spec suite: every case as the spec says, except where packageurl-go departs (as ec)', () => {
  const departures: string[] = [];
  for (const c of SUITE) {
    const ours = purlParse(c.purl) ?? null;
    const spec = specAnswer(c);
    if (c.purl in GO_DEPARTS_FROM_SPEC) {
      assert.notDeepEqual(ours, spec, `${c.description}: listed as a departure but agrees with the spec`);
      departures.push(c.purl);
    } else assert.deepEqual(ours, spec, c.description);
  }
  assert.deepEqual(departures.sort(), Object.keys(GO_DEPARTS_FROM_SPEC).sort());
  assert.ok(SUITE.filter((c) => c.is_invalid).length >= 15 && SUITE.length >= 50);
});

test('duplicate qualifier keys are refused, after empty values are dropped, as packageurl-go does', () => {
  assert.equal(purlIsValid('pkg:npm/a?a=1&a=2'), false);
  assert.equal(purlIsValid('pkg:npm/a?a=1&A=2'), false, 'keys are compared lower-cased');
  assert.deepEqual(purlParse('pkg:npm/a?a=&a=1')?.qualifiers, [{ key: 'a', value: '1' }]);
});

test('percent-escapes that decode to invalid UTF-8 become U+FFFD byte by byte (as Go writes them)', () => {
  assert.equal(purlParse('pkg:npm/%FF%FE')?.name, '\uFFFD\uFFFD');
  assert.equal(purlParse('pkg:npm/%E2%82')?.name, '\uFFFD\uFFFD');
  assert.equal(purlParse('pkg:npm/a%ED%A0%80')?.name, 'a\uFFFD\uFFFD\uFFFD');
  for (const purl of HOSTILE_PURLS) {
    const p = purlParse(purl);
    if (p)
      for (const text of [p.type, p.namespace, p.name, p.version, p.subpath, ...p.qualifiers.flatMap((q) => [q.key, q.value])]) assert.ok(text.isWellFormed());
  }
});

test('non-strings: is_valid is false and parse undefined, as ec answers', () => {
  for (const v of [undefined, null, 5, true, {}, ['pkg:npm/a'], 10n]) {
    assert.equal(purlIsValid(v), false);
    assert.equal(purlParse(v), undefined);
  }
});

test('a huge purl is parsed in linear time', () => {
  const name = 'a'.repeat(2_000_000);
  withinCpu(15_000, 'huge purls', () => {
    assert.equal(purlParse(`pkg:npm/${name}@1?k=${'v'.repeat(1_000_000)}#${'s/'.repeat(200_000)}`)?.name, name);
    assert.equal(purlIsValid(`pkg:npm/${'%zz'.repeat(500_000)}`), false);
    assert.equal(purlIsValid(`pkg:npm/a?${'k=v&'.repeat(200_000)}`), false, 'duplicate keys');
  });
  assertLinear(
    'a purl of n characters',
    20_000,
    (n) => `pkg:npm/${'a'.repeat(n)}@1?k=${'v'.repeat(n / 2)}#${'s/'.repeat(n / 10)}`,
    (p) => assert.equal(purlParse(p)?.version, '1'),
  );
  assertLinear(
    'n bad escapes',
    5_000,
    (n) => `pkg:npm/${'%zz'.repeat(n)}`,
    (p) => assert.equal(purlIsValid(p), false),
  );
  assertLinear(
    'n duplicate keys',
    5_000,
    (n) => `pkg:npm/a?${'k=v&'.repeat(n)}`,
    (p) => assert.equal(purlIsValid(p), false),
  );
});

test('the builtins are exported under their Rego names', () => {
  assert.deepEqual(Object.keys(purlBuiltins).sort(), ['ec.purl.is_valid', 'ec.purl.parse']);
  assert.equal(purlBuiltins['ec.purl.parse'], purlParse);
});
