// The two ways a pattern is refused: not RE2 at all (as Go refuses it), or RE2 vouch cannot run exactly.
import { InputError } from '../../errors.ts';

/** The pattern is not valid RE2 (Go refuses it too): OPA's builtins are then undefined. */
export class Re2SyntaxError extends InputError {
  constructor(pattern: string, what: string, expr: string) {
    super('RE2_SYNTAX', `error parsing regexp: ${what}: \`${expr.length > 200 ? `${expr.slice(0, 200)}…` : expr}\``, { value: pattern });
    this.name = 'Re2SyntaxError';
  }
}

/** Valid RE2 that vouch cannot run with exactly Go's results: refused, never approximated. */
export class Re2UnsupportedError extends InputError {
  constructor(pattern: string, why: string) {
    super('RE2_UNSUPPORTED', `the regular expression ${JSON.stringify(pattern.slice(0, 200))} is valid RE2 but not supported by vouch: ${why}`, {
      value: pattern,
    });
    this.name = 'Re2UnsupportedError';
  }
}
