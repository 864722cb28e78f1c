// vouch's JUnit as the readers release engineers see it through read it. Each reader's rules are
// written out below from its source (read, not copied); the XML itself is parsed by libxml2
// (test/support/xml-tree.ts), then walked the way each reader walks its parser's output:
// - dorny/test-reporter @ 29672c52a8220c09bd9f79b5b6cf6315f1763996 (xml2js):
//   src/parsers/java-junit/java-junit-parser.ts, src/parsers/java-junit/java-stack-trace-element-parser.ts,
//   src/parsers/jest-junit/jest-junit-parser.ts, src/utils/node-utils.ts (getExceptionSource),
//   src/utils/path-utils.ts (getBasePath);
// - mikepenz/action-junit-report @ 305cd1f47a0fbd606dfeacc59048ea5595ea0a96 (xml-js, compact):
//   src/testParser.ts (parseTestCases, createTestCaseAnnotation, resolveFileAndLine);
// - GitLab (gitlabhq/gitlabhq): lib/gitlab/ci/parsers/test/junit.rb @ d23f0cff3ca412a36fcefbb25dc4b36d2941a7de,
//   lib/gitlab/ci/reports/test_suite.rb @ ba0f3164d55d31dedaebd6ebda6232beb2681c86 and test_case.rb
//   @ 94823a9248837114ec84582f83b642ec45fe68ad (a case's key), lib/gitlab/xml_converter.rb
//   @ 469adbda3d1611901e1e428b0bdbfd7b676e99cb over ActiveSupport::XMLConverter (rails/rails
//   activesupport/lib/active_support/core_ext/hash/conversions.rb: DISALLOWED_TYPES, process_hash,
//   become_content?, process_content with XmlMini::PARSING).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from '../../../src/report/render.ts';
import { locationKey } from '../../../src/report/locations.ts';
import type { ComponentsFile, RenderContext } from '../../../src/model/output.ts';
import type { Report } from '../../../src/model/report.ts';
import { childrenNamed, parseXml, type XNode } from '../../support/xml-tree.ts';
import { renderContext, sampleReport } from './sample.ts';

// ---- the readers ----

/** xml2js's value of an element (dorny): text alone → string, attributes → {$, _}. */
type X2j = string | { $: Record<string, string>; _?: string };
function xml2js(n: XNode): X2j {
  const hasAttrs = Object.keys(n.attrs).length > 0;
  if (!hasAttrs && n.children.length === 0) return n.hasText ? n.text : '';
  return n.hasText ? { $: n.attrs, _: n.text } : { $: n.attrs };
}

interface ReadCase {
  suite: string;
  group: string;
  name: string;
  result: 'success' | 'failed' | 'skipped';
  timeMs: number;
  message?: string;
  details?: string;
  path?: string;
  line?: number;
}

/** dorny java-junit: suites and groups (classname equal to the suite name → no group), results, error message `type: message`. */
function dornyJavaJunit(root: XNode): { suites: { name: string; timeMs: number }[]; cases: ReadCase[] } {
  const suites = childrenNamed(root, 'testsuite');
  const cases: ReadCase[] = [];
  for (const ts of suites) {
    for (const tc of childrenNamed(ts, 'testcase')) {
      const failures = childrenNamed(tc, 'failure');
      const errors = childrenNamed(tc, 'error');
      const issue = (failures.length > 0 ? failures : errors)[0];
      const c: ReadCase = {
        suite: ts.attrs.name!.trim(),
        group: tc.attrs.classname === ts.attrs.name ? '' : tc.attrs.classname!,
        name: tc.attrs.name!.trim(),
        result: issue ? 'failed' : childrenNamed(tc, 'skipped').length > 0 ? 'skipped' : 'success',
        timeMs: parseFloat(tc.attrs.time!) * 1000,
      };
      if (issue) {
        const v = xml2js(issue);
        c.details = typeof v === 'object' ? v._ : v;
        if (typeof v === 'object') c.message = v.$.type ? `${v.$.type}: ${String(v.$.message)}` : v.$.message;
      }
      cases.push(c);
    }
  }
  return { suites: suites.map((ts) => ({ name: ts.attrs.name!.trim(), timeMs: parseFloat(ts.attrs.time!) * 1000 })), cases };
}

/** dorny getBasePath + getExceptionSource: the first `(file:line:col)` frame whose path is a tracked file. */
function jestExceptionSource(details: string, tracked: string[]): { path: string; line: number } | undefined {
  for (const str of details.split(/\r?\n/)) {
    const m = /\((.*):(\d+):\d+\)$/.exec(str);
    if (!m) continue;
    const filePath = m[1]!.trim().replace(/\\/g, '/');
    if (filePath.startsWith('internal/') || filePath.includes('/node_modules/')) continue;
    let base: string | undefined = tracked.includes(filePath) ? '' : undefined;
    if (base === undefined) {
      let max = '';
      for (const f of tracked) if (filePath.endsWith(f) && f.length > max.length) max = f;
      base = max === '' ? undefined : filePath.slice(0, filePath.length - max.length);
    }
    const path = base !== undefined && filePath.startsWith(base) ? filePath.slice(base.length) : filePath;
    if (path && tracked.includes(path)) return { path, line: parseInt(m[2]!, 10) };
  }
  return undefined;
}

/** dorny jest-junit: groups by classname; a failure's details are its body, `details.split` throws without one. */
function dornyJestJunit(root: XNode, tracked: string[]): ReadCase[] {
  const cases: ReadCase[] = [];
  for (const ts of childrenNamed(root, 'testsuite')) {
    for (const tc of childrenNamed(ts, 'testcase')) {
      const issue = [...childrenNamed(tc, 'failure'), ...childrenNamed(tc, 'error')][0];
      const c: ReadCase = {
        suite: ts.attrs.name!.trim().replace(/([<>])/g, '\\$1'),
        group: tc.attrs.classname!,
        name: tc.attrs.name!.trim(),
        result: issue ? 'failed' : childrenNamed(tc, 'skipped').length > 0 ? 'skipped' : 'success',
        timeMs: parseFloat(tc.attrs.time!) * 1000,
      };
      if (issue) {
        const v = xml2js(issue);
        const details = typeof v === 'string' ? v : v._;
        if (details === undefined) throw new TypeError(`jest-junit: Cannot read properties of undefined (reading 'split') in ${c.suite} / ${c.name}`);
        c.details = details;
        const src = jestExceptionSource(details, tracked);
        if (src) Object.assign(c, src);
      }
      cases.push(c);
    }
  }
  return cases;
}

/** mikepenz resolveFileAndLine: explicit file and line, else the last ` …<file>…:<digits>` in the body. */
function mikepenzFileAndLine(file: string | undefined, line: string | undefined, className: string, output: string): { fileName: string; line: number } {
  const fileName = file ? file : className.split('.').slice(-1)[0]!;
  const lineNumber = line ? parseInt(line, 10) : NaN;
  if (fileName && !Number.isNaN(lineNumber) && lineNumber) return { fileName, line: lineNumber };
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('::', '/');
  const matches = output.match(new RegExp(` [^ ]*${escaped}.*?:\\d+`, 'g'));
  if (!matches) return { fileName, line: Number.isNaN(lineNumber) ? 1 : lineNumber };
  const found = parseInt(matches.at(-1)!.split(':').pop() ?? '0', 10);
  return { fileName, line: Number.isNaN(found) || found === 0 ? -1 : found };
}

interface Annotation {
  suite: string;
  name: string;
  path: string;
  line: number;
  title: string;
  message: string;
}

/** mikepenz parseTestCases: counts, time, and one annotation per failure or error (the default: failures only). */
function mikepenz(root: XNode): { total: number; skipped: number; failed: number; passed: number; time: number; annotations: Annotation[] } {
  let total = 0;
  let skipped = 0;
  let failed = 0;
  let time = 0;
  const annotations: Annotation[] = [];
  for (const ts of childrenNamed(root, 'testsuite')) {
    for (const tc of childrenNamed(ts, 'testcase')) {
      total++;
      time += tc.attrs.time === undefined ? 0 : parseFloat(tc.attrs.time);
      const issues = [...childrenNamed(tc, 'failure'), ...childrenNamed(tc, 'error')];
      const skip = childrenNamed(tc, 'skipped').length > 0 || tc.attrs.status === 'disabled' || tc.attrs.status === 'ignored';
      if (skip) skipped++;
      if (issues.length === 0 || skip) continue;
      failed++;
      for (const issue of issues) {
        const stackTrace = (issue.hasText ? issue.text : '').trim();
        const message = (issue.attrs.message || stackTrace.split('\n').slice(0, 2).join('\n') || tc.attrs.name!).trim();
        const pos = mikepenzFileAndLine(
          tc.attrs.file || issue.attrs.file || ts.attrs.file,
          tc.attrs.line || issue.attrs.line || ts.attrs.line,
          tc.attrs.classname || tc.attrs.name!,
          stackTrace,
        );
        const title = pos.fileName !== tc.attrs.name ? `${pos.fileName}.${String(tc.attrs.name)}` : tc.attrs.name;
        annotations.push({ suite: ts.attrs.name!, name: tc.attrs.name!, path: pos.fileName, line: pos.line, title, message });
      }
    }
  }
  return { total, skipped, failed, passed: total - failed - skipped, time, annotations };
}

/** ActiveSupport's XmlMini types that change or refuse an element's content, and the ones that end the parse (DISALLOWED_TYPES). */
const AS_DISALLOWED = new Set(['symbol', 'yaml']);
const AS_TYPED = new Set([
  'array',
  'file',
  'string',
  'symbol',
  'date',
  'datetime',
  'dateTime',
  'integer',
  'float',
  'decimal',
  'boolean',
  'base64Binary',
  'binary',
  'yaml',
]);

/** The value ActiveSupport::XMLConverter gives an element: its text when it has some, else a Hash (or nil). */
function activeSupportValue(n: XNode): { kind: 'content'; text: string } | { kind: 'hash' } | { kind: 'nil' } {
  const type = n.attrs.type;
  if (type !== undefined && AS_DISALLOWED.has(type)) throw new Error(`GitLab: JUnit data parsing failed: Disallowed type attribute: "${type}"`);
  const content = n.children.length === 0 || n.hasText ? n.text : undefined;
  const keys = Object.keys(n.attrs).length + n.children.length + (content !== undefined && content !== '' ? 1 : 0);
  if (content !== undefined && content.trim() !== '') return { kind: 'content', text: content };
  return keys === 0 ? { kind: 'nil' } : { kind: 'hash' };
}

interface GitLabCase {
  suite: string;
  classname: string;
  name: string;
  status: 'success' | 'failed' | 'skipped' | 'error';
  output: string | null; // or 'HASH'
  key: string;
}

/** GitLab Junit#parse!: every testcase of every testsuite under the one testsuites; a case's key is suite, class and name. */
function gitlab(root: XNode): { cases: GitLabCase[]; kept: number } {
  assert.equal(root.tag, 'testsuites');
  const cases: GitLabCase[] = [];
  for (const ts of childrenNamed(root, 'testsuite')) {
    for (const tc of childrenNamed(ts, 'testcase')) {
      for (const el of tc.children) {
        if (el.attrs.type !== undefined && AS_TYPED.has(el.attrs.type)) assert.fail(`GitLab would typecast or refuse <${el.tag} type="${el.attrs.type}">`);
      }
      const pick = (tag: string): XNode | undefined => childrenNamed(tc, tag)[0];
      const failure = pick('failure');
      const error = pick('error');
      const skipped = pick('skipped');
      const out = (n: XNode): string | null /* or 'HASH' */ => {
        const v = activeSupportValue(n);
        return v.kind === 'content' ? v.text : v.kind === 'hash' ? 'HASH' : null;
      };
      const status = failure ? 'failed' : error ? 'error' : skipped ? 'skipped' : 'success';
      const output = failure ? out(failure) : error ? out(error) : skipped ? out(skipped) : null;
      const suite = ts.attrs.name!;
      cases.push({
        suite,
        classname: tc.attrs.classname!,
        name: tc.attrs.name!,
        status,
        output,
        key: `${status}\u0000${suite}_${String(tc.attrs.classname)}_${String(tc.attrs.name)}`,
      });
    }
  }
  return { cases, kept: new Set(cases.map((c) => c.key)).size };
}

// ---- the reports ----

const D = (c: string): string => `sha256:${c.repeat(64)}`;
const FILE: ComponentsFile = { path: 'deploy/components.yaml', lines: {} };

function ctxFor(report: Report, file?: ComponentsFile): RenderContext {
  return renderContext(report, { showSuccesses: true, ...(file ? { componentsFile: file } : {}) });
}

/** The sample, with the traps real runs hold: digests and `file:line`-looking text in messages, names that repeat. */
function trappedReport(): { report: Report; file: ComponentsFile } {
  const report = sampleReport();
  const web = report.components[0]!;
  web.violations!.push({
    msg: `Image quay.io/acme/web@${D('9')} is not the one built: see deploy/components.yaml:77 and (src/app.ts:3:9)`,
    metadata: { code: 'provenance.subject', term: `quay.io/acme/web@${D('9')}` },
  });
  web.violations!.push({ msg: '', metadata: { code: 'rule.without_message' } });
  report.components.push({ ...structuredClone(report.components[2]!), containerImage: `quay.io/acme/worker2@${D('3')}` });
  const lines: Record<string, number> = {};
  report.components.forEach((c, i) => (lines[locationKey(c)] = 4 + 2 * i));
  return { report, file: { ...FILE, lines } };
}

const xsd = fileURLToPath(new URL('../../fixtures/junit/junit-10.xsd', import.meta.url));
function assertSchemaValid(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-junit-'));
  writeFileSync(join(dir, 'junit.xml'), xml);
  execFileSync('xmllint', ['--noout', '--schema', xsd, join(dir, 'junit.xml')], { stdio: 'pipe' });
}

// ---- the properties ----

test('dorny java-junit: every time is a number (no NaNms), suites and tests named short and stable, failures carry type and message', () => {
  const { report, file } = trappedReport();
  const xml = render('junit', ctxFor(report, file));
  assertSchemaValid(xml);
  const read = dornyJavaJunit(parseXml(xml));
  assert.ok(
    read.suites.every((s) => Number.isFinite(s.timeMs)),
    'suite times',
  );
  assert.ok(
    read.cases.every((c) => Number.isFinite(c.timeMs)),
    'test times',
  );
  assert.deepEqual(
    read.suites.map((s) => s.name),
    ['web', 'api', 'worker', 'worker (#2)'],
  );
  assert.ok(
    read.cases.every((c) => c.group === ''),
    'classname is the suite name: no extra group level',
  );
  assert.ok(
    read.cases.every((c) => c.name.length <= 200 && !/sha256:[0-9a-f]{64}/.test(c.name.replace(/^provenance\.subject:.*/, ''))),
    'short names without digests',
  );
  const builder = read.cases.find((c) => c.name === 'builder.allowed:https://evil.example')!;
  assert.equal(builder.result, 'failed');
  assert.equal(builder.message, `violation: ${report.components[0]!.violations![0]!.msg}`);
  assert.ok(builder.details!.startsWith(report.components[0]!.violations![0]!.msg));
  const api = read.cases.find((c) => c.suite === 'api')!;
  assert.equal(api.message, `UNREACHABLE: ${report.components[1]!.violations![0]!.msg}`);
  assert.equal(read.cases.find((c) => c.name === 'labels.required:com.example.team')!.result, 'skipped');
  assert.equal(read.cases.filter((c) => c.suite === 'worker' && c.result === 'success').length, 1);
});

test("dorny jest-junit: every failure has a body (the parser splits it), and the frame it reads is the component's line", () => {
  const { report, file } = trappedReport();
  const root = parseXml(render('junit', ctxFor(report, file)));
  // The frame is the body's last line; jest-junit takes the first frame that names a tracked file,
  // so a message line ending in `(<a tracked file>:<n>:<m>)` would be taken first (a message naming
  // a file of the repository it runs in: not something a policy says by accident).
  const cases = dornyJestJunit(root, [FILE.path]);
  const failed = cases.filter((c) => c.result === 'failed');
  assert.equal(failed.length, 5);
  for (const c of failed) {
    const component = report.components.find((x) => x.name === c.suite.replace(/ \(#\d+\)$/, ''))!;
    assert.deepEqual({ path: c.path, line: c.line }, { path: FILE.path, line: file.lines[locationKey(component)] }, c.name);
  }
});

test("mikepenz action-junit-report: counts, times and annotations on the component's line, never a digest or a message's number", () => {
  const { report, file } = trappedReport();
  const withFile = mikepenz(parseXml(render('junit', ctxFor(report, file))));
  assert.deepEqual(
    { total: withFile.total, skipped: withFile.skipped, failed: withFile.failed, passed: withFile.passed },
    { total: 10, skipped: 1, failed: 5, passed: 4 },
  );
  assert.equal(withFile.time, 0);
  for (const a of withFile.annotations) {
    const component = report.components.find((c) => c.name === a.suite)!;
    assert.equal(a.path, FILE.path, a.name);
    assert.equal(a.line, file.lines[locationKey(component)], `${a.suite} ${a.name}`);
  }
  const empty = withFile.annotations.find((a) => a.name === 'rule.without_message')!;
  assert.match(empty.message, /^Image: quay\.io\/acme\/web@/, 'an empty message falls back to the body, which says which image');
  // Without a components file (an inline snapshot, --image) the class name stands for the file: line 1, not 2222… from the digest.
  const noFile = mikepenz(parseXml(render('junit', ctxFor(report))));
  assert.ok(noFile.annotations.length === 5 && noFile.annotations.every((a) => a.line === 1), JSON.stringify(noFile.annotations.map((a) => a.line)));
});

test('GitLab: statuses kept apart (error for an unreachable registry), every output a text, no type it would typecast, no case dropped as a duplicate', () => {
  const { report, file } = trappedReport();
  const { cases, kept } = gitlab(parseXml(render('junit', ctxFor(report, file))));
  assert.equal(kept, cases.length, 'each case has its own key');
  const count = (s: GitLabCase['status']): number => cases.filter((c) => c.status === s).length;
  assert.deepEqual(
    { success: count('success'), failed: count('failed'), skipped: count('skipped'), error: count('error') },
    { success: 4, failed: 4, skipped: 1, error: 1 },
  );
  for (const c of cases.filter((x) => x.status !== 'success')) {
    assert.equal(typeof c.output, 'string', `${c.suite} / ${c.name}: ${String(c.output)}`);
    assert.notEqual(c.output, 'HASH');
  }
  assert.match(cases.find((c) => c.status === 'skipped')!.output as string, /^The image has no "com\.example\.team" label\n/);
});

test('names stay the same when a rerun changes digests and messages; a passing run lists its checks in every reader', () => {
  const names = (r: Report): string[] =>
    childrenNamed(parseXml(render('junit', ctxFor(r))), 'testsuite').flatMap((ts) =>
      childrenNamed(ts, 'testcase').map((tc) => `${String(ts.attrs.name)}/${String(tc.attrs.classname)}/${String(tc.attrs.name)}`),
    );
  const first = sampleReport();
  const rerun = sampleReport();
  for (const c of rerun.components) {
    c.containerImage = c.containerImage.replace(/sha256:[0-9a-f]+/, D('7'));
    for (const r of [...(c.violations ?? []), ...(c.warnings ?? [])]) r.msg = `${r.msg} (checked at 2026-12-0${Math.floor(Math.random() * 9) + 1})`;
  }
  assert.deepEqual(names(rerun), names(first));

  const passing = sampleReport();
  passing.components = [passing.components[2]!];
  passing.success = true;
  const root = parseXml(render('junit', ctxFor(passing)));
  assert.ok(mikepenz(root).passed > 0);
  assert.ok(dornyJavaJunit(root).cases.some((c) => c.result === 'success'));
  assert.ok(gitlab(root).cases.some((c) => c.status === 'success'));
});

test('hostile text: control characters, lone surrogates and `]]>` in names and messages leave a valid document read as it was written', () => {
  const report = sampleReport();
  const evil = 'a\u0000b\u0001c\ud800d]]>e<f>&g"h\'i\r\nj';
  report.components[0]!.name = evil;
  report.components[0]!.violations![0]!.msg = evil;
  report.components[0]!.violations![0]!.metadata!.term = evil;
  for (const ec of [false, true]) {
    const xml = render('junit', { ...ctxFor(report), ...(ec ? { ecJUnit: true } : {}) });
    const root = parseXml(xml);
    const failure = childrenNamed(childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase')[2]!, 'failure')[0]!;
    assert.equal(failure.attrs.message, 'a\ufffdb\ufffdc\ufffdd]]>e<f>&g"h\'i\r\nj', ec ? 'ec form' : 'vouch form');
    // A CR in CDATA (ec's body) is a line end to every XML parser; vouch writes it as a reference.
    assert.ok(failure.text.startsWith(`a\ufffdb\ufffdc\ufffdd]]>e<f>&g"h'i${ec ? '' : '\r'}\nj`), ec ? 'ec form' : 'vouch form');
    if (!ec) assertSchemaValid(xml);
  }
});
