// Component names, rule codes, terms and messages come from snapshots, policies and registries an
// attacker may write: whatever they hold, both JUnit forms are well-formed XML (libxml2 parses them),
// vouch's validates against junit-10.xsd, and each message reads back as written (characters XML
// cannot hold as U+FFFD).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from '../../../src/report/render.ts';
import { renderContext } from './sample.ts';
import type { Report } from '../../../src/model/report.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { childrenNamed, parseXml } from '../../support/xml-tree.ts';

const xsd = fileURLToPath(new URL('../../fixtures/junit/junit-10.xsd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vouch-junit-fuzz-'));
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '\r', '\n', '\t', '\u0000', '\ud800', '\ufffe', '::', '##['),
    fc.string({ unit: 'binary', maxLength: 3 }),
  ),
  maxLength: 12,
});
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

test("hostile names, codes, terms and messages: well-formed JUnit in both forms, schema-valid in vouch's, messages read back", () => {
  fuzz(
    fc.property(text, text, text, text, fc.boolean(), (name, code, term, msg, ec) => {
      const report: Report = {
        success: false,
        key: '',
        policy: {},
        'ec-version': 'v',
        'effective-time': 't',
        components: [
          {
            name,
            containerImage: `r.example/x@sha256:${'0'.repeat(64)}`,
            source: {},
            success: false,
            violations: [{ msg, metadata: { code, term } }],
            warnings: [{ msg, metadata: { code } }],
          },
        ],
      };
      const xml = render('junit', renderContext(report, { createdAt: new Date(0), showSuccesses: true, ...(ec ? { ecJUnit: true } : {}) }));
      const root = parseXml(xml);
      const failure = childrenNamed(childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase')[0]!, 'failure')[0]!;
      assert.equal(failure.attrs.message, msg.replace(NOT_XML, '\ufffd'));
      if (!ec) {
        const file = join(dir, 'junit.xml');
        writeFileSync(file, xml);
        execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
      }
    }),
    { numRuns: Math.min(Number(process.env.VOUCH_FUZZ_RUNS ?? '') || 60, 2000) },
  );
});
