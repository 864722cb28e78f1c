// One source's raw rule outcomes → ec's violations, warnings and successes
// (conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go Evaluate). Pure.
import type { PolicySource, PolicySpec } from '../../model/policy-spec.ts';
import { VouchError, ExitCode } from '../../errors.ts';
import type { ResultMetadata, RuleResult } from '../../model/results.ts';
import type { EvaluationContext, PolicyOutcome, RawRuleOutcome, RuleInfo } from '../types.ts';
import { isIncluded, matchersFor, resolveIncludeExclude } from './matchers.ts';
import { sortResults } from './order.ts';

const NINETY_DAYS_MS = 90 * 24 * 3600 * 1000;
const GO_RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function terms(meta: ResultMetadata): string | string[] | undefined {
  const t = meta.term;
  return typeof t === 'string' || Array.isArray(t) ? t : undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return undefined;
}

/** Adds the rule's annotations to a result's metadata (annotation wins for effective_on). */
function augment(meta: ResultMetadata, info: RuleInfo | undefined, effectiveTime: Date): ResultMetadata {
  const out: ResultMetadata = { ...meta };
  if (info) {
    if (info.title) out.title = info.title;
    if (info.description) out.description = info.description;
    if (info.solution) out.solution = info.solution;
    if (info.collections) out.collections = info.collections;
    if (info.dependsOn) out.depends_on = info.dependsOn;
    if (info.effectiveOn) out.effective_on = info.effectiveOn;
  }
  const collections = stringList(out.collections);
  if (collections) out.collections = collections;
  else delete out.collections;
  const dependsOn = stringList(out.depends_on);
  if (dependsOn) out.depends_on = dependsOn;
  else delete out.depends_on;
  // An effective_on long in the past says nothing: ec drops it (older than effective time − 90 days).
  if (typeof out.effective_on === 'string' && GO_RFC3339_Z.test(out.effective_on) && Date.parse(out.effective_on) < effectiveTime.getTime() - NINETY_DAYS_MS) {
    delete out.effective_on;
  }
  return out;
}

function excludeHint(code: string, term: string | string[] | undefined): string {
  if (Array.isArray(term) && term.length > 1) return `one or more of ${term.map((t) => `"${code}:${t}"`).join(', ')}`;
  const t = Array.isArray(term) ? term[0] : term;
  return t ? `"${code}:${t}"` : `"${code}"`;
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
  for (const outcome of raw) {
    for (const result of outcome.results) {
      let code = typeof result.metadata.code === 'string' ? result.metadata.code : undefined;
      if (!code) {
        const candidates = annotatedByRule.get(`${outcome.namespace}.${outcome.rule}`);
        if (candidates?.length === 1) code = candidates[0]!.code;
      }
      const meta = augment({ ...result.metadata, ...(code ? { code } : {}) }, code ? byCode.get(code) : undefined, ctx.effectiveTime);
      if (code) {
        const matchers = matchersFor(code, terms(meta), stringList(meta.collections));
        noteMatches(matchers);
        if (!isIncluded(matchers, cfg)) continue;
        reported.add(code);
      }
      if (outcome.excepted) continue;
      const item: RuleResult = { msg: result.msg, ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}) };
      const severity = meta.severity;
      if (outcome.kind === 'warn') {
        (severity === 'failure' ? violations : warnings).push(item);
      } else if (severity === 'warning') {
        warnings.push(item);
      } else if (typeof meta.effective_on === 'string' && Date.parse(meta.effective_on) > ctx.effectiveTime.getTime()) {
        warnings.push({ ...item, msg: `${item.msg.replace(/\.$/, '')}. This will become a failure starting on ${meta.effective_on}` });
      } else {
        violations.push(item);
      }
    }
  }

  const successes: RuleResult[] = [];
  for (const info of rules) {
    if (!info.annotated || info.kind === 'other' || reported.has(info.code)) continue;
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
    successes.push({ msg: 'Pass', metadata });
  }

  const missing = cfg.reportableIncludes
    .filter((inc) => !matchedIncludes.has(inc))
    .map((inc): RuleResult => ({ msg: `Include criterion '${inc}' doesn't match any policy rule` }));

  // Rules whose prerequisites were reported say nothing more: drop them (ec's depends_on trimming).
  const failedCodes = new Set([...violations, ...warnings].map((r) => r.metadata?.code).filter((c): c is string => typeof c === 'string'));
  const dependsOnFailed = (r: RuleResult): boolean => (stringList(r.metadata?.depends_on) ?? []).some((d) => failedCodes.has(d));
  const keptViolations = violations.filter((r) => !dependsOnFailed(r)).map(withExcludeHint);
  const keptWarnings = [...warnings.filter((r) => !dependsOnFailed(r)), ...missing];
  const keptSuccesses = successes.filter((r) => !dependsOnFailed(r));

  if (keptViolations.length + keptWarnings.length + keptSuccesses.length === 0) {
    throw new NoResultsError(opts.sourceName ?? source.name ?? '(unnamed)');
  }
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
