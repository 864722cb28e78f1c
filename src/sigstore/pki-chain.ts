// Chains a signing certificate to an organisation's CA (the SignPath case): only the configured
// roots are anchors and only configured certificates are intermediates — certificates carried by
// the signature are never trusted. Checked at the current time (no transparency log or timestamp in
// this setup), as cosign does without a timestamp. Signatures of certificates are checked with
// @sigstore/core. With an organisation CA configured, legacy layers and bundles alike are verified
// this way and never against the Sigstore trust root (a public Fulcio certificate does not pass).
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { keyTrustMaterial } from './keys.ts';
import type { SigningCertificate } from './signing-material.ts';
import { cosignHashFor, verifyBundle, verifyWithHash } from './verify-entity.ts';
import { SignatureRejected } from './errors.ts';

export interface OrganisationPki {
  roots: string[];
  intermediates: string[];
}

function assertChainsToOrganisationCa(leaf: X509Certificate, pki: OrganisationPki, now = new Date()): void {
  const roots = pki.roots.map((p) => X509Certificate.parse(p));
  const pool = [...pki.intermediates.map((p) => X509Certificate.parse(p)), ...roots];
  let cert = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (!cert.validForDate(now)) {
      throw new SignatureRejected(
        'CERTIFICATE_NOT_VALID',
        `certificate ${depth === 0 ? 'of the signer' : 'in the chain'} is not valid now (${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`,
      );
    }
    const issuer = pool.find((c) => c.subject.equals(cert.issuer) && cert.verify(c));
    if (!issuer)
      throw new SignatureRejected(
        'CERTIFICATE_UNTRUSTED',
        'the certificate does not chain to a configured CA (--ca-roots/--ca-intermediates or --certificate-chain)',
      );
    if (!issuer.isCA) throw new SignatureRejected('CERTIFICATE_UNTRUSTED', 'the certificate is issued by a certificate that is not a CA');
    if (roots.some((r) => r.equals(issuer))) {
      if (!issuer.validForDate(now)) throw new SignatureRejected('CERTIFICATE_NOT_VALID', 'the root CA certificate is not valid now');
      return;
    }
    cert = issuer;
  }
  throw new SignatureRejected('CERTIFICATE_UNTRUSTED', 'the certificate chain is too long');
}

export interface SignedWithCertificate {
  /** The signature as a bundle whose material is a bare key hint, without log entries or timestamps. */
  keyOnly: Bundle;
  /** The artifact for message signatures. */
  artifact?: Buffer;
  /** The exact bytes the signature covers (for keys @sigstore/verify hashes differently from cosign). */
  signedBytes: Buffer;
  /** base64 signature. */
  sig: string;
}

/** Organisation PKI: the certificate chains to the configured CA now, and its key verified the signature. */
export function verifyWithOrganisationCa(cert: SigningCertificate, pki: OrganisationPki, signed: SignedWithCertificate): void {
  assertChainsToOrganisationCa(cert.x509, pki);
  const hash = cosignHashFor(cert.key);
  if (hash !== undefined) verifyWithHash(signed.signedBytes, signed.sig, cert.key, hash);
  else verifyBundle(signed.keyOnly, signed.artifact, keyTrustMaterial(cert.key), { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 }, cert);
}
