// --certificate-identity-regexp / --certificate-oidc-issuer-regexp: cosign's semantics (Go's RE2,
// linear time, Go's syntax), or bad input naming the flag. Checked when the configuration is
// built, so a pattern that cannot run stops the run before any image (exit 2).
import { InputError } from '../errors.ts';
import { Re2SyntaxError, Re2UnsupportedError, compileRe2, type Re2 } from '../util/re2.ts';

export type IdentityPatternFlag = `--${'' | 'vsa-'}certificate-${'identity' | 'oidc-issuer'}-regexp`;

export function compileIdentityPattern(pattern: string, flag: IdentityPatternFlag): Re2 {
  try {
    return compileRe2(pattern);
  } catch (err) {
    if (err instanceof Re2UnsupportedError)
      throw new InputError('UNSUPPORTED_IDENTITY_REGEXP', `${flag} ${JSON.stringify(pattern)}: ${err.message}`, { value: pattern, cause: err });
    if (err instanceof Re2SyntaxError)
      throw new InputError('INVALID_IDENTITY_REGEXP', `${flag} ${JSON.stringify(pattern)} is not a valid regular expression: ${err.message}`, {
        value: pattern,
        cause: err,
      });
    throw err;
  }
}
