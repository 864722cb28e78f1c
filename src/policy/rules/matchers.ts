// Include/exclude matching and scoring, and which policy configuration applies to an image
// (conforma/cli a18338416237 internal/evaluator/criteria.go, filters.go). Pure.
import type { PolicySource, PolicySpec, VolatileCriterion } from '../../model/policy-spec.ts';
import type { EvaluationContext } from '../types.ts';

/** Matchers of a result: only the last two code segments count (`pkg`, `rule`). */
export function matchersFor(code: string, term: string | string[] | undefined, collections: string[] | undefined): string[] {
  const parts = code.split('.');
  const rule = parts.length >= 2 ? parts[parts.length - 1]! : undefined;
  const pkg = parts.length >= 2 ? parts[parts.length - 2]! : parts[0]!;
  const base = [pkg, `${pkg}.*`, ...(rule ? [`${pkg}.${rule}`] : [])];
  const terms = term === undefined ? [] : Array.isArray(term) ? term : [term];
  const withTerms = terms.flatMap((t) => base.map((m) => `${m}:${t}`));
  return [...base, ...withTerms, '*', ...(collections ?? []).map((c) => `@${c}`)];
}

/** Specificity of one include/exclude entry (ec's table: `pkg.rule:term` = 210, `*` = 1, `@c` = 10). */
export function entryScore(entry: string): number {
  if (entry.startsWith('@')) return 10;
  if (entry === '*') return 1;
  let score = 0;
  let base = entry;
  const colon = entry.indexOf(':');
  if (colon > 0) {
    score += 100;
    base = entry.slice(0, colon);
  }
  if (base === '*') return score + 1;
  if (base.startsWith('*.')) return score + 1 + 100;
  if (base.endsWith('.*')) return score + 10 * base.slice(0, -2).split('.').length;
  const segments = base.split('.').length;
  return score + (segments === 1 ? 10 : 10 * (segments - 1) + 100);
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

function parseTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function active(c: VolatileCriterion, at: Date): boolean {
  const on = parseTime(c.effectiveOn) ?? at;
  const until = parseTime(c.effectiveUntil) ?? at;
  return on <= at && at <= until;
}

type Scope = 'image' | 'component' | 'global' | 'other';

function scopeOf(c: VolatileCriterion, ctx: EvaluationContext): Scope {
  const digest = c.imageRef ?? c.imageDigest;
  if (digest !== undefined) return digest === ctx.imageDigest ? 'image' : 'other';
  if (c.imageUrl !== undefined) return c.imageUrl === ctx.imageUrl || `${ctx.imageUrl}`.endsWith(`/${c.imageUrl}`) ? 'image' : 'other';
  if (c.componentNames !== undefined) {
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
  for (const [list, items] of [
    [include, source.volatileConfig?.include],
    [exclude, source.volatileConfig?.exclude],
  ] as const) {
    for (const c of items ?? []) {
      if (!active(c, ctx.effectiveTime)) continue;
      const scope = scopeOf(c, ctx);
      if (scope === 'other') continue;
      list.push(c.value);
      // Component-scoped includes are never reported as unmatched (ec behaves the same).
      if (list === include && scope !== 'component') reportable.push(c.value);
    }
  }
  if (include.length === 0 && exclude.length === 0 && spec.configuration) {
    include.push(...(spec.configuration.include ?? []), ...(spec.configuration.collections ?? []).map((c) => `@${c}`));
    exclude.push(...(spec.configuration.exclude ?? []));
    reportable.push(...(spec.configuration.include ?? []), ...(spec.configuration.collections ?? []).map((c) => `@${c}`));
  }
  if (include.length === 0) include.push('*');
  return { include, exclude, reportableIncludes: [...new Set(reportable)] };
}
