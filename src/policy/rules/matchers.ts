// Include/exclude matching and scoring, and which policy configuration applies to an image
// (conforma/cli a18338416237 internal/evaluator/criteria.go, filters.go). Pure.
import { parseFixed } from '../../config/effective-time.ts';
import type { PolicySource, PolicySpec, VolatileCriterion } from '../../model/policy-spec.ts';
import type { EvaluationContext } from '../types.ts';

/**
 * Matchers of a result (conforma/cli a183384 internal/evaluator/filters.go LegacyMakeMatchers):
 * only the last two code segments count (`pkg`, `rule`); a code without a dot has no package
 * matchers; empty terms and terms that are not strings are ignored.
 */
export function matchersFor(code: string, term: unknown, collections: string[] | undefined): string[] {
  const parts = code.split('.');
  const rule = parts[parts.length - 1]!;
  const base = parts.length >= 2 ? [parts[parts.length - 2]!].flatMap((pkg) => [pkg, `${pkg}.*`, `${pkg}.${rule}`]) : [];
  const terms = (Array.isArray(term) ? term : [term]).filter((t): t is string => typeof t === 'string' && t !== '');
  const withTerms = terms.flatMap((t) => base.map((m) => `${m}:${t}`));
  return [...base, ...withTerms, '*', ...(collections ?? []).map((c) => `@${c}`)];
}

/** Specificity of one include/exclude entry (ec's LegacyScore: `pkg.rule:term` = 210, `*` = 1, `@c` = 10). */
export function entryScore(entry: string): number {
  if (entry.startsWith('@')) return 10;
  const colon = entry.indexOf(':');
  const name = colon < 0 ? entry : entry.slice(0, colon);
  let score = colon >= 0 && colon < entry.length - 1 ? 100 : 0;
  const segments = name.split('.');
  if (segments.length === 1) return score + (name === '*' ? 1 : 10);
  const rule = segments[segments.length - 1]!;
  score += segments.slice(0, -1).join('.') === '*' ? 1 : 10 * (segments.length - 1);
  return score + (rule !== '*' && rule !== '' ? 100 : 0);
}

/** Sum of the scores of entries that equal one of the matchers. */
export function score(entries: string[], matchers: string[]): number {
  const set = new Set(matchers);
  return entries.reduce((sum, e) => (set.has(e) ? sum + entryScore(e) : sum), 0);
}

export interface FilterConfig {
  include: string[];
  exclude: string[];
  /** Include entries whose "doesn't match" warning is due (global and this image's, not component-scoped). */
  reportableIncludes: string[];
}

export function isIncluded(matchers: string[], cfg: Pick<FilterConfig, 'include' | 'exclude'>): boolean {
  return score(cfg.include, matchers) > score(cfg.exclude, matchers);
}

/** In force at `at`; a time that is not RFC 3339 or a date makes ec skip the criterion (timeutil.ParseVolatileTime). */
function active(c: VolatileCriterion, at: Date): boolean {
  const on = c.effectiveOn ? parseFixed(c.effectiveOn) : at;
  const until = c.effectiveUntil ? parseFixed(c.effectiveUntil) : at;
  return on !== undefined && until !== undefined && on <= at && at <= until;
}

type Scope = 'image' | 'component' | 'global' | 'other';

/**
 * ec keys a criterion by the first non-empty of imageRef, imageUrl, imageDigest, and looks an image
 * up by its repository's full name and its digest (criteria.go collectVolatileConfigItems, get):
 * exact matches only.
 */
function scopeOf(c: VolatileCriterion, ctx: EvaluationContext): Scope {
  const key = c.imageRef || c.imageUrl || c.imageDigest;
  if (key) return key === ctx.imageUrl || key === ctx.imageDigest ? 'image' : 'other';
  if (c.componentNames !== undefined && c.componentNames.length > 0) {
    const names = [ctx.componentName, ctx.originalComponentName].filter((n): n is string => !!n);
    return c.componentNames.some((n) => names.includes(n)) ? 'component' : 'other';
  }
  return 'global';
}

/** The include/exclude lists that apply to one image for one source. */
export function resolveIncludeExclude(source: PolicySource, spec: PolicySpec, ctx: EvaluationContext): FilterConfig {
  const include = [...(source.config?.include ?? [])];
  const exclude = [...(source.config?.exclude ?? [])];
  const reportable = [...include];
  // ec decides "no include/exclude given" on every criterion in force, whichever image it is for
  // (criteria.go computeIncludeExclude counts Criteria.len()): one scoped to another image still
  // keeps the top-level configuration and the default `*` away.
  let given = { include: include.length, exclude: exclude.length };
  for (const [list, items] of [
    [include, source.volatileConfig?.include],
    [exclude, source.volatileConfig?.exclude],
  ] as const) {
    for (const c of items ?? []) {
      if (!active(c, ctx.effectiveTime)) continue;
      given = list === include ? { ...given, include: given.include + 1 } : { ...given, exclude: given.exclude + 1 };
      const scope = scopeOf(c, ctx);
      if (scope === 'other') continue;
      list.push(c.value);
      // Component-scoped includes are never reported as unmatched (ec behaves the same).
      if (list === include && scope !== 'component') reportable.push(c.value);
    }
  }
  if (given.include === 0 && given.exclude === 0 && spec.configuration) {
    const top = [...(spec.configuration.include ?? []), ...(spec.configuration.collections ?? []).map((c) => `@${c}`)];
    include.push(...top);
    exclude.push(...(spec.configuration.exclude ?? []));
    reportable.push(...top);
    given = { include: top.length, exclude: exclude.length };
  }
  if (given.include === 0) include.push('*');
  return { include, exclude, reportableIncludes: [...new Set(reportable)] };
}
