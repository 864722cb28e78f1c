// JUnit XML in two forms. Pure.
//
// vouch's (the default) is written for the readers release engineers see it through —
// dorny/test-reporter (java-junit, jest-junit), mikepenz/action-junit-report, GitLab's JUnit import,
// Jenkins — and validates against Jenkins' junit-10.xsd (test/fixtures/junit):
// - one testsuite per component, named after it; classname = the suite name; test names are the
//   rule code, with the term when there is one (`code:term`, what an `exclude` entry names): short
//   and the same from run to run, never a message;
// - the message in `message=` and in the element's body (readers that take the body, or crash
//   without one, get it), warnings `skipped` with theirs, a check that could not be made (the
//   registry was down) an `error` of its own type, never a failure;
// - `time` everywhere (vouch times no rule: 0), and a run whose successes are hidden still lists
//   its checks when the face collects them;
// - the testsuite's `file` is the components file, and each body ends with a frame naming the
//   component's line in it, `    at <component> (<file>:<line>:1)`: the schema has no testcase
//   `file`/`line`, and readers that look for a line in the body take this one, never a digest.
// test/unit/report/junit-readers.test.ts checks each reader's rules (cited there) on this output.
//
// ec's (`junit=PATH?format=ec`) is ec's byte for byte (conforma/cli internal/applicationsnapshot/
// junit.go, go-junit-report v2 junit.go): names `<code>: <msg> [k=v, …]`, no time, bodies as CDATA.
import type { ComponentsFile } from '../../model/output.ts';
import type { ComponentReport, Report } from '../../model/report.ts';
import type { RuleResult } from '../../model/results.ts';
import { isInfrastructureViolation } from '../counts.ts';
import { locationKey } from '../locations.ts';
import { element, writeGoXml, writeXml, type XmlElement } from '../xml.ts';
import { jsonText } from '../../util/json-shapes.ts';

export interface JUnitOptions {
  createdAt: Date;
  /** Count warnings as passes instead of skipped tests. */
  warningsAsPasses?: boolean;
  /** Where the components are written (the suites' `file` and the frames' lines). */
  componentsFile?: ComponentsFile;
  /** ec's exact form. */
  ec?: boolean;
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** Go's %v for metadata values, as ec renders them in test names. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    return `map[${Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${k}:${goValue(x)}`)
      .join(' ')}]`;
  }
  return jsonText(v);
}

/** ec's test name: `<code>: <msg>` plus ` [k=v, …]` of the other metadata, sorted. */
function ecTestCaseName(r: RuleResult): string {
  const meta = Object.entries(r.metadata ?? {})
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k}=${goValue(v)}`)
    .sort();
  const name = `${r.msg}${meta.length > 0 ? ` [${meta.join(', ')}]` : ''}`;
  const code = r.metadata?.code;
  return typeof code === 'string' ? `${code}: ${name}` : name;
}

// ---- vouch's form ----

/** Control characters would end a line in readers that print names; they become spaces. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A platform of an image index (`<name>-sha256:<hex>-<arch>`, as ec names it) keeps its name without the digest. */
export function componentLabel(name: string): string {
  const m = /^(.*)-sha256:[0-9a-f]{64}-(\S+)$/.exec(name);
  const label = oneLine(m ? `${m[1]!} (${m[2]!})` : name);
  return label === '' ? 'Unnamed' : clip(label, 200);
}

function termText(term: unknown): string {
  if (typeof term === 'string') return term;
  if (Array.isArray(term)) return term.filter((t) => typeof t === 'string').join(',');
  return '';
}

/** The test's name: the rule code and its term, the same from run to run (a code-less result: its message). */
function checkName(r: RuleResult): string {
  const code = r.metadata?.code;
  if (typeof code !== 'string' || oneLine(code) === '') return clip(oneLine(r.msg), 120) || 'policy';
  const term = oneLine(termText(r.metadata?.term));
  return clip(term === '' ? oneLine(code) : `${oneLine(code)}:${clip(term, 100)}`, 200);
}

function properties(c: ComponentReport, key: string): XmlElement {
  const props: [string, string][] = [
    ['image', c.containerImage],
    ['key', key],
    ['success', String(c.success)],
  ];
  for (const s of c.signatures ?? []) {
    props.push(['keyId', s.keyid], ['signature', s.sig]);
    for (const [k, v] of Object.entries(s.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) props.push([`metadata.${k}`, v]);
  }
  return element(
    'properties',
    [],
    props.map(([name, value]) =>
      element('property', [
        ['name', name],
        ['value', value],
      ]),
    ),
  );
}

interface Place {
  label: string;
  file: string | undefined;
  line: number | undefined;
}

/** The body: the message, its solution, the image, then the frame that places the component. */
function body(c: ComponentReport, r: RuleResult, place: Place): string {
  const lines = [r.msg];
  const solution = r.metadata?.solution;
  if (typeof solution === 'string' && solution !== '') lines.push(`Solution: ${solution}`);
  lines.push(`Image: ${c.containerImage}`);
  lines.push(`    at ${place.label} (${place.file ?? 'snapshot'}:${place.line ?? 1}:1)`);
  return lines.join('\n');
}

function vouchSuite(c: ComponentReport, label: string, report: Report, opts: JUnitOptions): XmlElement {
  const file = opts.componentsFile?.path;
  const place: Place = { label, file, line: opts.componentsFile?.lines[locationKey(c)] };
  const used = new Map<string, number>();
  const unique = (name: string): string => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? name : `${name} (#${n})`;
  };
  const testCase = (r: RuleResult, child?: XmlElement): XmlElement =>
    element(
      'testcase',
      [
        ['name', unique(checkName(r))],
        ['classname', label],
        ['time', '0'],
      ],
      child ? [child] : [],
    );
  const cases: XmlElement[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const r of c.successes ?? []) cases.push(testCase(r));
  for (const r of c.violations ?? []) {
    if (isInfrastructureViolation(c, r)) {
      errors++;
      cases.push(
        testCase(
          r,
          element(
            'error',
            [
              ['message', r.msg],
              ['type', c.infrastructureError!.code],
            ],
            [],
            body(c, r, place),
          ),
        ),
      );
    } else {
      failures++;
      cases.push(
        testCase(
          r,
          element(
            'failure',
            [
              ['message', r.msg],
              ['type', 'violation'],
            ],
            [],
            body(c, r, place),
          ),
        ),
      );
    }
  }
  for (const r of c.warnings ?? []) {
    if (opts.warningsAsPasses) cases.push(testCase(r, element('system-out', [], [], body(c, r, place))));
    else {
      skipped++;
      cases.push(testCase(r, element('skipped', [['message', r.msg]], [], body(c, r, place))));
    }
  }
  return element(
    'testsuite',
    [
      ['name', label],
      ['tests', String(cases.length)],
      ['failures', String(failures)],
      ['errors', String(errors)],
      ['skipped', String(skipped)],
      ['time', '0'],
      ['timestamp', rfc3339(opts.createdAt)],
      ['file', file],
    ],
    [properties(c, report.key), ...cases],
  );
}

function sum(suites: XmlElement[], attr: string): number {
  return suites.reduce((n, s) => n + Number(s.attrs.find(([k]) => k === attr)?.[1] ?? 0), 0);
}

function renderVouch(report: Report, opts: JUnitOptions): string {
  // GitLab keys a test by suite, class and name, and keeps one of equal keys: two components of one name get apart.
  const seen = new Map<string, number>();
  const suites = report.components.map((c) => {
    const base = componentLabel(c.name);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return vouchSuite(c, n === 1 ? base : `${base} (#${n})`, report, opts);
  });
  // junit-10.xsd allows no `skipped` on <testsuites>.
  const root = element(
    'testsuites',
    [
      ['name', 'vouch'],
      ['tests', String(sum(suites, 'tests'))],
      ['failures', String(sum(suites, 'failures'))],
      ['errors', String(sum(suites, 'errors'))],
      ['time', '0'],
    ],
    suites,
  );
  return writeXml(root);
}

// ---- ec's form ----

/** go-junit-report's Testsuite: name, tests, failures, errors, id (always 0), skipped when not 0, time (empty), timestamp. */
function ecSuite(c: ComponentReport, report: Report, createdAt: Date): { suite: XmlElement; tests: number; failures: number; skipped: number } {
  const testCase = (r: RuleResult, child?: XmlElement): XmlElement => {
    const name = ecTestCaseName(r);
    return element(
      'testcase',
      [
        ['name', name],
        ['classname', name],
      ],
      child ? [child] : [],
    );
  };
  const cases = [
    ...(c.successes ?? []).map((r) => testCase(r)),
    ...(c.violations ?? []).map((r) => testCase(r, element('failure', [['message', r.msg]], [], r.msg))),
    ...(c.warnings ?? []).map((r) => testCase(r, element('skipped', [['message', r.msg]], [], r.msg))),
  ];
  const failures = c.violations?.length ?? 0;
  const skipped = c.warnings?.length ?? 0;
  const suite = element(
    'testsuite',
    [
      ['name', `${c.name} (${c.containerImage})`],
      ['tests', String(cases.length)],
      ['failures', String(failures)],
      ['errors', '0'],
      ['id', '0'],
      ['skipped', skipped > 0 ? String(skipped) : undefined],
      ['time', ''],
      ['timestamp', rfc3339(createdAt)],
    ],
    [properties(c, report.key), ...cases],
  );
  return { suite, tests: cases.length, failures, skipped };
}

function renderEc(report: Report, createdAt: Date): string {
  const suites = report.components.map((c) => ecSuite(c, report, createdAt));
  const total = (k: 'tests' | 'failures' | 'skipped'): string | undefined => {
    const n = suites.reduce((a, s) => a + s[k], 0);
    return n === 0 ? undefined : String(n);
  };
  return writeGoXml(
    element(
      'testsuites',
      [
        ['tests', total('tests')],
        ['failures', total('failures')],
        ['skipped', total('skipped')],
      ],
      suites.map((s) => s.suite),
    ),
  );
}

export function renderJUnit(report: Report, opts: JUnitOptions): string {
  return opts.ec ? renderEc(report, opts.createdAt) : renderVouch(report, opts);
}
