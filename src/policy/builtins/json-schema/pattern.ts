// Regular expressions of schemas (`pattern`, `patternProperties`, format "regex"): Go's regexp
// (RE2 syntax, leftmost-first, linear time) in gojsonschema, through vouch's RE2 module. A pattern
// that is not valid RE2, or valid RE2 that vouch cannot run with Go's results, is "not a valid
// regex" to the caller: the schema fails to compile rather than being checked with another meaning.
// Pure.
import { compileRe2, Re2SyntaxError, Re2UnsupportedError } from '../../../util/re2.ts';

/** A compiled pattern: `test` reports whether it matches anywhere in `s` (Go's MatchString). */
export interface CompiledPattern {
  test(s: string): boolean;
}

/** Compiles an RE2 pattern; undefined when it is invalid or cannot be run exactly. */
export function compilePattern(source: string): CompiledPattern | undefined {
  try {
    const re = compileRe2(source);
    return { test: (s) => re.test(s) };
  } catch (err) {
    if (err instanceof Re2SyntaxError || err instanceof Re2UnsupportedError) return undefined;
    throw err;
  }
}
