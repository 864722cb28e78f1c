// Keyless identity matching, done here rather than by @sigstore/verify's policy (whose SAN string is
// an unanchored regexp over one SAN only: sigstore/sigstore-js 769a53d87132
// packages/verify/src/policy.ts): exact flags are exact string comparisons; -regexp flags are
// regular expressions used as given, unanchored, like cosign (RE2's MatchString in
// CheckCertificatePolicy, sigstore/cosign d6d86c224e58 pkg/cosign/verify.go) — write ^…$ to
// anchor. Identities are matched against EVERY SAN. Pure.
import type { X509Certificate } from '@sigstore/core';
import { InputError } from '../errors.ts';
import { Re2SyntaxError, Re2UnsupportedError, compileRe2, type Re2 } from '../util/re2.ts';
import type { IdentityConfig } from '../config/types.ts';
import { allSans, certificateIssuer, subjectAltNamesText, subjectAlternativeNames } from './certificate.ts';
import { SignatureRejected } from './verify-entity.ts';

export interface IdentityMatcher {
  matches(sans: string[], issuer: string | undefined): boolean;
  describe(): string;
}

/** The flag's pattern with cosign's semantics (Go's RE2: linear time, Go's syntax), or a clear refusal. */
function compile(pattern: string, flag: string): Re2 {
  try {
    return compileRe2(pattern);
  } catch (err) {
    if (err instanceof Re2UnsupportedError) throw new InputError('UNSUPPORTED_IDENTITY_REGEXP', `${flag} ${JSON.stringify(pattern)}: ${err.message}`, { value: pattern });
    if (err instanceof Re2SyntaxError) throw new InputError('INVALID_IDENTITY_REGEXP', `${flag} ${JSON.stringify(pattern)} is not a valid regular expression: ${err.message}`, { value: pattern });
    throw err;
  }
}

export function identityMatcher(identity: IdentityConfig): IdentityMatcher {
  const subject = identity.subject;
  const subjectRe = subject === undefined && identity.subjectRegExp !== undefined ? compile(identity.subjectRegExp, '--certificate-identity-regexp') : undefined;
  const issuer = identity.issuer;
  const issuerRe = issuer === undefined && identity.issuerRegExp !== undefined ? compile(identity.issuerRegExp, '--certificate-oidc-issuer-regexp') : undefined;
  return {
    matches(sans, certIssuer) {
      const subjectOk = subject !== undefined ? sans.includes(subject) : subjectRe !== undefined && sans.some((s) => subjectRe.test(s));
      // A certificate without a Fulcio issuer extension (an organisation CA) has issuer "": cosign
      // users match it with --certificate-oidc-issuer-regexp '.*'.
      const issuerOk = issuer !== undefined ? certIssuer === issuer : issuerRe !== undefined && issuerRe.test(certIssuer ?? '');
      return subjectOk && issuerOk;
    },
    describe() {
      const s = subject !== undefined ? `subject ${JSON.stringify(subject)}` : `subject matching ${String(subjectRe)}`;
      const i = issuer !== undefined ? `issuer ${JSON.stringify(issuer)}` : `issuer matching ${String(issuerRe)}`;
      return `${s} with ${i}`;
    },
  };
}

/** Throws SignatureRejected unless the certificate names the expected identity and issuer (cosign's words). */
export function assertCertificateIdentity(leaf: X509Certificate, identity: IdentityConfig): void {
  const sans = subjectAlternativeNames(leaf);
  const issuer = certificateIssuer(leaf);
  const matcher = identityMatcher(identity);
  if (!matcher.matches(allSans(sans), issuer)) {
    throw new SignatureRejected(
      `none of the expected identities matched what was in the certificate, got subjects [${subjectAltNamesText(sans)}] with issuer ${issuer ?? '(none)'}; expected ${matcher.describe()}`,
    );
  }
}
