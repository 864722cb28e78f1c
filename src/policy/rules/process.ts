// One source's raw rule outcomes → ec's violations, warnings and successes
// (conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go Evaluate). Pure.
import type { PolicySource, PolicySpec } from '../../model/policy-spec.ts';
import { parseFixed } from '../../config/effective-time.ts';
import { VouchError, ExitCode } from '../../errors.ts';
import type { ResultMetadata, RuleResult } from '../../model/results.ts';
import type { EvaluationContext, PolicyOutcome, RawRuleOutcome, RuleInfo } from '../types.ts';
import { isIncluded, matchersFor, resolveIncludeExclude } from './matchers.ts';
import { sortResults } from './order.ts';
import { evaluatedNamespaces } from './packages.ts';
import { jsonText } from '../../util/json-shapes.ts';

const NINETY_DAYS_MS = 90 * 24 * 3600 * 1000;
/** ec's effectiveOnFormat `2006-01-02T15:04:05Z`; Go's time.Parse also takes a fraction after the seconds. */
const EFFECTIVE_ON = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.,](\d+))?Z$/;

/** The time of an effective_on value, as ec parses it; undefined when ec would not (then the rule is in force). */
function effectiveOnTime(v: unknown): number | undefined {
  const m = typeof v === 'string' ? EFFECTIVE_ON.exec(v) : null;
  return m ? parseFixed(`${m[1]!}${m[2] ? `.${m[2]}` : ''}Z`)?.getTime() : undefined;
}

function terms(meta: ResultMetadata): string | string[] | undefined {
  const t = meta.term;
  return typeof t === 'string' || Array.isArray(t) ? t : undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return undefined;
}

/** A JSON value as Go's fmt.Sprint prints what encoding/json decoded (`<nil>`, `map[k:v]`, `[a b]`). */
function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goSprint((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return jsonText(v);
}

/**
 * Adds the rule's annotations to a result's metadata (annotation wins). A result's own `collections`
 * is kept only as a list (each element printed as Go prints it), as ec normalises it; its own
 * `depends_on` is kept as written and, as in ec, never trims anything.
 */
function augment(meta: ResultMetadata, info: RuleInfo | undefined, effectiveTime: Date): ResultMetadata {
  const out: ResultMetadata = { ...meta };
  if (Array.isArray(out.collections)) out.collections = out.collections.map(goSprint);
  else delete out.collections;
  if (info) {
    if (info.title) out.title = info.title;
    if (info.description) out.description = info.description;
    if (info.solution) out.solution = info.solution;
    if (info.collections) out.collections = info.collections;
    if (info.dependsOn) out.depends_on = info.dependsOn;
    if (info.effectiveOn) out.effective_on = info.effectiveOn;
  }
  // An effective_on long in the past says nothing: ec drops it (older than effective time − 90 days).
  const since = effectiveOnTime(out.effective_on);
  if (since !== undefined && since < effectiveTime.getTime() - NINETY_DAYS_MS) delete out.effective_on;
  return out;
}

/** ec's excludeDirectives: one entry per non-empty string term, else the code alone. */
function excludeHint(code: string, term: string | string[] | undefined): string {
  const entries = (Array.isArray(term) ? term : [term]).filter((t): t is string => typeof t === 'string' && t !== '').map((t) => `"${code}:${t}"`);
  if (entries.length > 1) return `one or more of ${entries.join(', ')}`;
  return entries[0] ?? `"${code}"`;
}

function withExcludeHint(r: RuleResult): RuleResult {
  const meta = r.metadata;
  const code = typeof meta?.code === 'string' ? meta.code : undefined;
  if (!meta || !code || typeof meta.description !== 'string' || meta.description === '') return r;
  const description = `${meta.description.replace(/\.$/, '')}. To exclude this rule add ${excludeHint(code, terms(meta))} to the \`exclude\` section of the policy configuration.`;
  return { ...r, metadata: { ...meta, description } };
}

export class NoResultsError extends VouchError {
  constructor(source: string) {
    super('POLICY_NO_RESULTS', `no successes, warnings, or failures, check input (policy source ${source}: every rule was filtered out or none applies)`, {
      exitCode: ExitCode.BadInput,
      value: source,
    });
  }
}

export function processSourceResults(
  raw: RawRuleOutcome[],
  rules: RuleInfo[],
  source: PolicySource,
  spec: PolicySpec,
  ctx: EvaluationContext,
  opts: { showSuccesses: boolean; sourceName?: string },
): PolicyOutcome {
  const cfg = resolveIncludeExclude(source, spec, ctx);
  // ec picks the packages to evaluate before evaluating, without component-scoped criteria.
  const { originalComponentName: _original, ...imageOnly } = ctx;
  const namespaces = evaluatedNamespaces(rules, resolveIncludeExclude(source, spec, { ...imageOnly, componentName: '' }));
  const evaluated = (ns: string): boolean => namespaces?.has(ns) ?? true;
  const byCode = new Map(rules.map((r) => [r.code, r]));
  // A string result of an annotated rule takes that rule's code when the rule has exactly one.
  const annotatedByRule = new Map<string, RuleInfo[]>();
  for (const r of rules) {
    if (!r.annotated) continue;
    const key = `${r.package}.${r.rule}`;
    annotatedByRule.set(key, [...(annotatedByRule.get(key) ?? []), r]);
  }
  const matchedIncludes = new Set<string>();
  const noteMatches = (matchers: string[]): void => {
    const set = new Set(matchers);
    for (const inc of cfg.include) if (set.has(inc)) matchedIncludes.add(inc);
  };

  const violations: RuleResult[] = [];
  const warnings: RuleResult[] = [];
  const reported = new Set<string>();
  // The dependencies a result is trimmed by: its rule's annotation only (ec: a []string there).
  const dependencies = new Map<RuleResult, string[]>();
  for (const outcome of raw) {
    if (!evaluated(outcome.namespace)) continue;
    for (const result of outcome.results) {
      let code = typeof result.metadata.code === 'string' ? result.metadata.code : undefined;
      if (!code) {
        const candidates = annotatedByRule.get(`${outcome.namespace}.${outcome.rule}`);
        if (candidates?.length === 1) code = candidates[0]!.code;
      }
      // ec augments (and normalises) only results with a code; the others keep their metadata as written.
      const meta = code ? augment({ ...result.metadata, code }, byCode.get(code), ctx.effectiveTime) : { ...result.metadata };
      if (code) {
        const matchers = matchersFor(code, terms(meta), stringList(meta.collections));
        noteMatches(matchers);
        if (!isIncluded(matchers, cfg)) continue;
        reported.add(code);
      }
      if (outcome.excepted) continue;
      let item: RuleResult = { msg: result.msg, ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}) };
      const severity = meta.severity;
      // ec's isResultEffective: in force unless effective_on parses and is not before the effective time.
      const since = effectiveOnTime(meta.effective_on);
      const future = since !== undefined && !(since < ctx.effectiveTime.getTime());
      if (outcome.kind === 'deny' && severity !== 'warning' && future) {
        item = { ...item, msg: `${item.msg.replace(/\.$/, '')}. This will become a failure starting on ${String(meta.effective_on)}` };
      }
      const deps = code ? byCode.get(code)?.dependsOn : undefined;
      if (deps) dependencies.set(item, deps);
      const violation = outcome.kind === 'warn' ? severity === 'failure' : severity !== 'warning' && !future;
      (violation ? violations : warnings).push(item);
    }
  }

  const successes: RuleResult[] = [];
  for (const info of rules) {
    // ec computes a namespace's successes from the rules whose package is that namespace.
    if (!info.annotated || info.kind === 'other' || reported.has(info.code) || !evaluated(info.package)) continue;
    const matchers = matchersFor(info.code, undefined, info.collections);
    noteMatches(matchers);
    if (!isIncluded(matchers, cfg)) continue;
    const metadata: ResultMetadata = {
      code: info.code,
      ...(info.collections ? { collections: info.collections } : {}),
      ...(info.dependsOn ? { depends_on: info.dependsOn } : {}),
      ...(info.description ? { description: info.description } : {}),
      ...(info.effectiveOn ? { effective_on: info.effectiveOn } : {}),
      ...(info.title ? { title: info.title } : {}),
    };
    const success: RuleResult = { msg: 'Pass', metadata };
    if (info.dependsOn) dependencies.set(success, info.dependsOn);
    successes.push(success);
  }
  // ec counts before trimming, and not the unmatched-include warnings: a source of nothing else is an error.
  if (violations.length + warnings.length + successes.length === 0) {
    throw new NoResultsError(opts.sourceName ?? source.name ?? '(unnamed)');
  }

  const missing = cfg.reportableIncludes
    .filter((inc) => !matchedIncludes.has(inc))
    .map((inc): RuleResult => ({ msg: `Include criterion '${inc}' doesn't match any policy rule` }));

  // ec's depends_on trimming (conftest_evaluator.go trim): a result is appended once per dependency
  // that went unreported, so it goes when all were reported and appears twice when two were not.
  const reportedCodes = new Set([...violations, ...warnings].map((r) => r.metadata?.code).filter((c): c is string => typeof c === 'string'));
  const kept = (r: RuleResult): RuleResult[] => {
    const deps = dependencies.get(r);
    return deps ? deps.filter((d) => !reportedCodes.has(d)).map(() => r) : [r];
  };
  const keptViolations = violations.flatMap(kept).map(withExcludeHint);
  const keptWarnings = [...warnings.flatMap(kept), ...missing];
  const keptSuccesses = successes.flatMap(kept);
  return {
    violations: sortResults(keptViolations),
    warnings: sortResults(keptWarnings),
    successes: opts.showSuccesses ? sortResults(keptSuccesses) : [],
    successCount: keptSuccesses.length,
  };
}

export function mergeOutcomes(outcomes: PolicyOutcome[]): PolicyOutcome {
  return {
    violations: sortResults(outcomes.flatMap((o) => o.violations)),
    warnings: sortResults(outcomes.flatMap((o) => o.warnings)),
    successes: sortResults(outcomes.flatMap((o) => o.successes)),
    successCount: outcomes.reduce((n, o) => n + o.successCount, 0),
  };
}
