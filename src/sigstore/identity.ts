// Keyless identity matching, done here rather than by @sigstore/verify's policy (whose SAN string is
// an unanchored regexp over one SAN only: sigstore/sigstore-js 769a53d87132
// packages/verify/src/policy.ts): exact flags are exact string comparisons; -regexp flags are
// regular expressions used as given, unanchored, like cosign (RE2's MatchString in
// CheckCertificatePolicy, sigstore/cosign d6d86c224e58 pkg/cosign/verify.go) — write ^…$ to
// anchor. Identities are matched against EVERY SAN. Pure.
import type { X509Certificate } from '@sigstore/core';
import { compileIdentityPattern } from '../config/identity-pattern.ts';
import type { IdentityConfig } from '../config/types.ts';
import { allSans, certificateIssuer, subjectAltNamesText, subjectAlternativeNames } from './certificate.ts';
import { SignatureRejected } from './errors.ts';

interface IdentityMatcher {
  matches(sans: string[], issuer: string | undefined): boolean;
  describe(): string;
}

function identityMatcher(identity: IdentityConfig): IdentityMatcher {
  const subject = identity.subject;
  const subjectRe =
    subject === undefined && identity.subjectRegExp !== undefined ? compileIdentityPattern(identity.subjectRegExp, '--certificate-identity-regexp') : undefined;
  const issuer = identity.issuer;
  const issuerRe =
    issuer === undefined && identity.issuerRegExp !== undefined ? compileIdentityPattern(identity.issuerRegExp, '--certificate-oidc-issuer-regexp') : undefined;
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
      'IDENTITY_MISMATCH',
      `none of the expected identities matched what was in the certificate, got subjects [${subjectAltNamesText(sans)}] with issuer ${issuer ?? '(none)'}; expected ${matcher.describe()}`,
    );
  }
}
