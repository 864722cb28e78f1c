// STRICT's table, and untrusted text in the job summary (rendered by GitHub as Markdown + HTML).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strictSetting } from '../../../src/faces/strict.ts';
import { jobSummary } from '../../../src/report/job-summary.ts';
import { markdownText } from '../../../src/report/escape.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import type { Report } from '../../../src/model/report.ts';

test('STRICT / strict: only "false" (JSON whitespace around it allowed) lets a failed policy pass', () => {
  const table: [string | undefined, boolean, boolean][] = [
    // value, strict, noted as non-canonical
    [undefined, true, false],
    ['true', true, false],
    ['false', false, false],
    [' false\n', false, false],
    ['\tfalse\r\n', false, false],
    ['TRUE', true, true],
    ['1', true, true],
    ['yes', true, true],
    ['', true, true],
    ['0', true, true],
    ['no', true, true],
    ['off', true, true],
    ['null', true, true],
    ['False', true, true],
    ['FALSE', true, true],
    ['\u00a0false', true, true],
    ['"false"', true, true],
    ['false false', true, true],
  ];
  for (const [value, strict, noted] of table) {
    const s = strictSetting(value, 'STRICT');
    assert.equal(s.strict, strict, JSON.stringify(value));
    assert.equal(s.note !== undefined, noted, JSON.stringify(value));
  }
  assert.match(strictSetting('1', 'STRICT').note!, /^STRICT="1" is not "true" or "false"/);
});

test('markdownText: no markup, no line break, no bidi control survives; letters, digits and spaces stay', () => {
  fuzz(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const out = markdownText(text);
      assert.doesNotMatch(out, /[<>`[\]|*_~\\!(){}\n\r\t\u0000-\u001f\u202a-\u202e\u2066-\u2069]/u);
      assert.doesNotMatch(out.replace(/&#\d+;/g, ''), /[&#;]/, 'every & # ; is part of a reference');
      const decoded = out.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
      assert.equal(decoded.length, text.length, 'one character per character');
    }),
  );
  assert.equal(markdownText('web 2 ok'), 'web 2 ok');
  assert.equal(markdownText('<img src=x>'), '&#60;img src&#61;x&#62;');
});

test('the job summary: untrusted fields stay in their cell and render as text', () => {
  const evil = 'a|b\n</details>\n# h <img src=x onerror=alert(1)> `c` [l](javascript:x) \u202e';
  const report: Report = {
    success: false,
    key: '',
    policy: {},
    'ec-version': 'v',
    'effective-time': '2026-01-01T00:00:00Z',
    components: [
      {
        name: evil,
        containerImage: `r.example/x\`<b>@sha256:${'0'.repeat(64)}`,
        source: {},
        success: false,
        violations: [{ msg: evil, metadata: { code: evil, solution: evil } }],
      },
    ],
  };
  const summary = jobSummary(report);
  assert.doesNotMatch(summary.replace(/<\/?(details|summary|code)>/g, ''), /[<>`[\]\u202e]/);
  const rows = summary.split('\n').filter((l) => l.startsWith('| <code>'));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.split('|').length, 5, 'three cells');
  assert.equal(summary.split('\n').filter((l) => l.startsWith('<details>')).length, 1);
  assert.equal(summary.split('\n').filter((l) => l === '</details>').length, 1);
});
