// Which packages ec evaluates at all (conforma/cli a183384 internal/evaluator/filters.go
// baseResolvePolicy and conftest_evaluator.go Evaluate). Pure.
import type { RuleInfo } from '../types.ts';
import { isIncluded, matchersFor, type FilterConfig } from './matchers.ts';

/** The first segment of a code or package (ec groups rules by `strings.SplitN(code, ".", 2)[0]`). */
function firstSegment(name: string): string {
  const dot = name.indexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/**
 * The namespaces ec hands conftest for one source and image, or undefined for "all of them".
 * ec scores every rule's matchers (no terms; component-scoped criteria left out) against the
 * include/exclude lists and keeps the FIRST segment of each included rule's code as a namespace;
 * conftest then evaluates exactly the packages named so. A nested package (`release.maven_repos`,
 * codes `release.maven_repos.*`) is therefore never evaluated, and an unannotated deny/warn rule
 * counts under the code `<first package segment>.<rule>` (conftest_evaluator.go Evaluate). When
 * no rule is included, conftest evaluates every namespace.
 */
export function evaluatedNamespaces(rules: RuleInfo[], cfg: Pick<FilterConfig, 'include' | 'exclude'>): Set<string> | undefined {
  const picked = new Set<string>();
  for (const r of rules) {
    if (!r.annotated && r.kind === 'other') continue;
    const code = r.annotated ? r.code : `${firstSegment(r.package)}.${r.rule}`;
    if (isIncluded(matchersFor(code, undefined, r.annotated ? r.collections : undefined), cfg)) picked.add(firstSegment(code));
  }
  return picked.size > 0 ? picked : undefined;
}
