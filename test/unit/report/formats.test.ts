import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTestOutputError } from '../../../src/report/formats/appstudio.ts';
import { componentLabel } from '../../../src/report/formats/junit.ts';
import { indentWrap, shouldColor } from '../../../src/report/formats/text.ts';
import { render } from '../../../src/report/render.ts';
import { FORMATS, type Format, type RenderContext } from '../../../src/model/output.ts';
import { parseOutputTarget } from '../../../src/config/outputs.ts';
import { createdAt, renderContext, sampleReport } from './sample.ts';

const golden = (name: string): string => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
const ctx = (over: Partial<RenderContext> = {}): RenderContext => renderContext(sampleReport(), { showSuccesses: true, ...over });

const EXT: Record<string, string> = { json: 'json', yaml: 'yaml', junit: 'xml', appstudio: 'json', summary: 'json', 'summary-markdown': 'md', text: 'txt' };

test('every format renders as its golden file', async () => {
  for (const format of FORMATS.filter((f): f is Format => f in EXT)) {
    const out = render(format, ctx());
    const file = golden(`report.${format}.${EXT[format]!}`);
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, out);
    assert.equal(out, await readFile(file, 'utf8'), format);
  }
});

test('JUnit validates against the Jenkins xUnit JUnit XSD and keeps infrastructure errors apart from failures', async () => {
  const xml = render('junit', ctx());
  const dir = await mkdtemp(join(tmpdir(), 'vouch-junit-'));
  await writeFile(join(dir, 'junit.xml'), xml);
  execFileSync('xmllint', ['--noout', '--schema', fileURLToPath(new URL('../../fixtures/junit/junit-10.xsd', import.meta.url)), join(dir, 'junit.xml')], {
    stdio: 'pipe',
  });
  assert.match(xml, /<error message="Image URL is not accessible[^"]*" type="UNREACHABLE">Image URL is not accessible/);
  assert.match(xml, /<failure message="Builder ID[^"]*" type="violation">Builder ID/);
  assert.equal((xml.match(/<failure /g) ?? []).length, 2);
  assert.equal((xml.match(/<skipped message="The image has no &quot;com\.example\.team&quot; label">/g) ?? []).length, 1);
  assert.match(xml, /<testcase name="slsa_source\.pinned:a,b" classname="web" time="0">/);
  const warningsPass = render('junit', ctx({ warningsAsPasses: true }));
  assert.equal((warningsPass.match(/<skipped/g) ?? []).length, 0);
  // A platform of an image index keeps its name without the digest that changes with every build.
  assert.equal(componentLabel(`multi-sha256:${'a'.repeat(64)}-arm64`), 'multi (arm64)');
  assert.equal(componentLabel('a\nb\u0000'), 'a b');
  assert.equal(componentLabel(''), 'Unnamed');
});

test("JUnit ?format=ec is ec's byte for byte (reports and JUnit written by ec v0.9.115 from the same run)", async () => {
  for (const name of ['tags-info', 'snapshot']) {
    const fixture = (ext: string): string => fileURLToPath(new URL(`../../fixtures/ec-junit/${name}.${ext}`, import.meta.url));
    const expected = await readFile(fixture('xml'), 'utf8');
    const report = JSON.parse(await readFile(fixture('json'), 'utf8')) as ReturnType<typeof sampleReport>;
    const at = /timestamp="([^"]+)"/.exec(expected)![1]!;
    assert.equal(`${render('junit', ctx({ report, createdAt: new Date(at), ecJUnit: true }))}\n`, expected, name);
  }
  assert.deepEqual(parseOutputTarget('junit=j.xml?format=ec'), { format: 'junit', path: 'j.xml', ecFormat: true });
  assert.throws(() => parseOutputTarget('json=j.json?format=ec'), /option format=ec is not one of/);
  assert.throws(() => parseOutputTarget('junit?format=xunit'), /or format=ec/);
});

test('TEST_OUTPUT: counts from every component, result precedence, ERROR with a note', () => {
  assert.deepEqual(JSON.parse(render('appstudio', ctx())), {
    timestamp: '1795168800',
    namespace: '',
    successes: 8,
    failures: 3,
    warnings: 1,
    result: 'FAILURE',
  });
  const ok = sampleReport();
  ok.components = [ok.components[2]!];
  ok.success = true;
  assert.equal((JSON.parse(render('appstudio', ctx({ report: ok }))) as { result: unknown }).result, 'SUCCESS');
  ok.components[0]!.successCount = 0;
  assert.equal((JSON.parse(render('appstudio', ctx({ report: ok }))) as { result: unknown }).result, 'SKIPPED');
  assert.deepEqual(JSON.parse(renderTestOutputError('boom', createdAt)), {
    timestamp: '1795168800',
    namespace: '',
    successes: 0,
    failures: 0,
    warnings: 0,
    result: 'ERROR',
    note: 'Error: boom',
  });
});

test('text: colour only on indicator and label, and only when asked; wrapping at 130 columns', () => {
  const coloured = render('text', ctx({ color: true }));
  assert.match(coloured, /\x1b\[31m✕\x1b\[0m \x1b\[31m\[Violation\] builder\.allowed\x1b\[0m/);
  assert.doesNotMatch(render('text', ctx()), /\x1b\[/);
  assert.equal(shouldColor({ NO_COLOR: '1' }, true, true), false);
  assert.equal(shouldColor({ FORCE_COLOR: '1' }, false), true);
  assert.equal(shouldColor({}, true), true);
  assert.equal(shouldColor({}, false), false);
  for (const line of indentWrap(`Reason: ${'word '.repeat(80)}`).split('\n')) assert.ok(line.length <= 130, line);
});

test('output targets: FORMAT[=PATH][?options], json default, unknown formats rejected', () => {
  assert.deepEqual(parseOutputTarget('text=out.txt?show-successes=true&show-warnings=false'), {
    format: 'text',
    path: 'out.txt',
    showSuccesses: true,
    showWarnings: false,
  });
  assert.deepEqual(parseOutputTarget('=r.json'), { format: 'json', path: 'r.json' });
  assert.deepEqual(parseOutputTarget('hacbs'), { format: 'hacbs' });
  assert.deepEqual(parseOutputTarget('junit=j.xml?warnings-as-passes=true'), { format: 'junit', path: 'j.xml', warningsAsPasses: true });
  assert.throws(() => parseOutputTarget('xml=out'), /unknown format; use one of json, yaml, text/);
  assert.throws(() => parseOutputTarget('json?colour=true'), /option colour=true/);
});
