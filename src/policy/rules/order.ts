// Result ordering and metadata stripping as ec does them
// (conforma/cli a18338416237 internal/output/output.go sortResults, keepSomeMetadata). Pure.
import type { RuleResult } from '../../model/results.ts';
import { jsonText } from '../../util/json-shapes.ts';

function firstTerm(r: RuleResult): string {
  const term = r.metadata?.term;
  if (typeof term === 'string') return term;
  if (Array.isArray(term) && typeof term[0] === 'string') return term[0];
  return '';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** By code, then first term, then message (plain string comparison, stable). */
export function sortResults(results: RuleResult[]): RuleResult[] {
  return [...results].sort((a, b) => cmp(jsonText(a.metadata?.code), jsonText(b.metadata?.code)) || cmp(firstTerm(a), firstTerm(b)) || cmp(a.msg, b.msg));
}

/** Without --info only `code`, `effective_on` and `term` survive. */
export function stripMetadata(result: RuleResult, info: boolean): RuleResult {
  if (info || !result.metadata) return result;
  const { code, effective_on, term } = result.metadata;
  const kept = { ...(code !== undefined ? { code } : {}), ...(effective_on !== undefined ? { effective_on } : {}), ...(term !== undefined ? { term } : {}) };
  const { metadata: _dropped, ...rest } = result;
  return Object.keys(kept).length > 0 ? { ...rest, metadata: kept } : rest;
}
