// Chains a signing certificate to an organisation's CA (the SignPath case): only the configured
// roots are anchors and only configured certificates are intermediates — certificates carried by
// the signature are never trusted. Checked at the current time (no transparency log or timestamp in
// this setup), as cosign does without a timestamp. Signatures of certificates are checked with
// @sigstore/core.
import { X509Certificate } from '@sigstore/core';
import { SignatureRejected } from './verify-entity.ts';

export function assertChainsToOrganisationCa(leafPem: string, pki: { roots: string[]; intermediates: string[] }, now = new Date()): void {
  const roots = pki.roots.map((p) => X509Certificate.parse(p));
  const pool = [...pki.intermediates.map((p) => X509Certificate.parse(p)), ...roots];
  let cert = X509Certificate.parse(leafPem);
  for (let depth = 0; depth < 8; depth++) {
    if (!cert.validForDate(now)) {
      throw new SignatureRejected(`certificate ${depth === 0 ? 'of the signer' : 'in the chain'} is not valid now (${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`);
    }
    const issuer = pool.find((c) => c.subject.equals(cert.issuer) && cert.verify(c));
    if (!issuer) throw new SignatureRejected('the certificate does not chain to a configured CA (--ca-roots/--ca-intermediates or --certificate-chain)');
    if (!issuer.isCA) throw new SignatureRejected('the certificate is issued by a certificate that is not a CA');
    if (roots.some((r) => r.equals(issuer))) {
      if (!issuer.validForDate(now)) throw new SignatureRejected('the root CA certificate is not valid now');
      return;
    }
    cert = issuer;
  }
  throw new SignatureRejected('the certificate chain is too long');
}
