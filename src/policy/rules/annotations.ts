// Rule metadata from the `# METADATA` blocks of the ORIGINAL .rego files (the compiled bundle loses
// them): package, rule heads, title, description, custom.short_name, collections, effective_on,
// depends_on, solution (conforma/cli a18338416237
// internal/opa/rule/rule.go). YAML timestamps stay strings. Pure.
import yaml from 'js-yaml';
import { InputError } from '../../errors.ts';
import type { RuleInfo } from '../types.ts';
import { isRecord } from '../../util/json-shapes.ts';

interface RegoRule {
  name: string;
  line: number;
  /** The rule head's text up to `{`, for shape checks (boolean deny rules are refused). */
  head: string;
  /** This definition has a rule-scope METADATA block of its own (OPA's annotation chain starts with it). */
  annotated: boolean;
}

interface RegoAnnotation {
  scope: 'rule' | 'document' | 'package' | 'subpackages';
  /** Rule name it applies to (rule/document scope). */
  rule?: string;
  line: number;
  data: Record<string, unknown>;
}

export interface RegoModule {
  path: string;
  package: string;
  rules: RegoRule[];
  annotations: RegoAnnotation[];
}

/**
 * A plain YAML scalar that OPA's METADATA parser (gopkg.in/yaml.v3 resolve.go parseTimestamp) reads as
 * a time: `2006-1-2T15:4:5.999999999Z07:00` (or `t`), `2006-1-2 15:4:5.999999999` (UTC), `2006-1-2`;
 * one- or two-digit month, day, hour, minute and second, each in range. ec prints such a custom
 * annotation with Go's RFC 3339 layout (internal/opa/rule/rule.go customAnnotationString):
 * `effective_on: 2025-5-01T00:00:00Z` is `2025-05-01T00:00:00Z`, `2025-07-01` is `2025-07-01T00:00:00Z`.
 */
function goYamlTimestamp(text: string): string | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])| )(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, t, h = '0', mi = '0', sec = '0', zone] = m;
  // The `T` form needs its zone; the space form has none.
  if ((t !== undefined) !== (zone !== undefined) && !(t === undefined && m[5] === undefined)) return undefined;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  if (zone !== undefined && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const two = (n: number): string => String(n).padStart(2, '0');
  const offset = zone === undefined || zone === 'Z' || zone.slice(1) === '00:00' ? 'Z' : zone;
  return `${y!}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offset}`;
}

/** The METADATA schema: YAML 1.2 core, plus yaml.v3's timestamps (as ec prints them) for plain scalars. */
const METADATA_SCHEMA = yaml.CORE_SCHEMA.extend({
  implicit: [
    new yaml.Type('tag:yaml.org,2002:timestamp', {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && goYamlTimestamp(data) !== undefined,
      construct: (data: string) => goYamlTimestamp(data),
    }),
  ],
});

const DENY = /^(deny|violation)(_[a-zA-Z0-9]+)*$/;
const WARN = /^warn(_[a-zA-Z0-9]+)*$/;

export function ruleKind(name: string): RuleInfo['kind'] {
  return DENY.test(name) ? 'deny' : WARN.test(name) ? 'warn' : 'other';
}

/** Scans a Rego module: package, top-level rule heads and METADATA blocks. */
export function parseRegoModule(path: string, text: string): RegoModule {
  const lines = text.split('\n');
  let pkg = '';
  const rules: RegoRule[] = [];
  const annotations: RegoAnnotation[] = [];
  let pending: { line: number; data: Record<string, unknown> }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#\s*METADATA\s*$/.test(line)) {
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && /^\s*#/.test(lines[j]!); j++) body.push(lines[j]!.replace(/^\s*# ?/, ''));
      let data: unknown;
      try {
        data = yaml.load(body.join('\n'), { schema: METADATA_SCHEMA });
      } catch (err) {
        throw new InputError('REGO_METADATA_INVALID', `${path}:${i + 1}: the METADATA block is not valid YAML: ${String(err)}`, { value: path, cause: err });
      }
      pending.push({ line: i + 1, data: isRecord(data) ? data : {} });
      i = j - 1;
      continue;
    }
    const pkgMatch = /^package\s+([\w.]+)/.exec(line);
    if (pkgMatch) {
      pkg = pkgMatch[1]!.replace(/^data\./, '');
      for (const p of pending) annotations.push({ scope: p.data.scope === 'subpackages' ? 'subpackages' : 'package', line: p.line, data: p.data });
      pending = [];
      continue;
    }
    const head = /^([a-zA-Z_]\w*)(\s*(\[|contains\b|if\b|=|:=|\{)|\s*$)/.exec(line);
    if (head && !['import', 'package', 'default', 'else'].includes(head[1]!)) {
      const name = head[1]!;
      rules.push({ name, line: i + 1, head: line.split('{')[0]!.trim(), annotated: pending.some((p) => p.data.scope !== 'document') });
      for (const p of pending) {
        const scope = p.data.scope === 'document' ? 'document' : 'rule';
        annotations.push({ scope, rule: name, line: p.line, data: p.data });
      }
      pending = [];
    } else if (/^default\s+([a-zA-Z_]\w*)/.test(line)) {
      pending = [];
    }
  }
  return { path, package: pkg, rules, annotations };
}

/** asciidoc `xref:…[label]` ⇒ `label`, as ec unlinks titles and solutions. */
function unlink(text: string): string {
  return text.replace(/xref:[^[\s]*\[([^\]]*)\]/g, '$1');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const strList = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/**
 * One RuleInfo per annotated rule with a short_name, and one per deny/warn rule name with a
 * definition that has no rule-scope METADATA (ec's "non-annotated rules", conforma/cli a183384
 * internal/evaluator/conftest_evaluator.go Evaluate).
 * Duplicate codes within these modules are refused (ec: `found a second rule with the same code`).
 */
export function ruleInfosFromModules(files: { path: string; text: string }[]): RuleInfo[] {
  const infos = new Map<string, RuleInfo>();
  for (const file of files) {
    if (file.path.endsWith('_test.rego')) continue;
    const mod = parseRegoModule(file.path, file.text);
    const annotatedRules = new Set<string>();
    for (const a of mod.annotations) {
      if (!a.rule) continue;
      const custom = isRecord(a.data.custom) ? a.data.custom : {};
      const shortName = str(custom.short_name);
      if (!shortName) continue;
      const code = `${mod.package}.${shortName}`;
      if (infos.has(code) && infos.get(code)!.annotated) {
        throw new InputError('DUPLICATE_RULE_CODE', `found a second rule with the same code: ${code} (${file.path}:${a.line})`, { value: code });
      }
      annotatedRules.add(`${a.rule}#${a.line}`);
      const title = str(a.data.title);
      const description = str(a.data.description);
      const solution = str(custom.solution);
      const collections = strList(custom.collections);
      const effectiveOn = str(custom.effective_on);
      const dependsOn = strList(custom.depends_on);
      const intention = strList(custom.pipeline_intention);
      infos.set(code, {
        code,
        package: mod.package,
        rule: a.rule,
        kind: ruleKind(a.rule),
        annotated: true,
        shortName,
        ...(title ? { title: unlink(title.trim()) } : {}),
        ...(description ? { description: unlink(description.trim()) } : {}),
        ...(solution ? { solution: unlink(solution.trim()) } : {}),
        ...(collections ? { collections } : {}),
        ...(effectiveOn ? { effectiveOn } : {}),
        ...(dependsOn ? { dependsOn } : {}),
        ...(intention ? { pipelineIntention: intention } : {}),
      });
    }
    for (const r of mod.rules) {
      const kind = ruleKind(r.name);
      if (kind === 'other' || r.annotated) continue;
      const code = `${mod.package}.${r.name}`;
      if (!infos.has(code)) infos.set(code, { code, package: mod.package, rule: r.name, kind, annotated: false });
    }
  }
  return [...infos.values()];
}
