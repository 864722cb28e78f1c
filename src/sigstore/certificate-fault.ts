// Which of @sigstore/verify's certificate checks refused a certificate. It reports them all with one
// code (CERTIFICATE_ERROR) and tells them apart only in its message text, which is not a contract:
// here the certificate and the trust material tell instead. The checks run in @sigstore/verify's
// order — the chain to a trusted CA, then every SCT the certificate carries against the trust
// root's CT logs (RFC 6962 §3.2), then the number of SCTs required — so the first one that fails
// here names the fault. Diagnosis only: the verdict is always @sigstore/verify's. Pure.
import { EXTENSION_OID_SCT, X509Certificate, crypto } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';

/** The certificate does not chain to a trusted CA; an SCT does not verify; too few SCTs. */
export type CertificateFault = 'chain' | 'sct-invalid' | 'sct-missing';

export function certificateFault(leaf: X509Certificate, trust: TrustMaterial, ctlogThreshold: number): CertificateFault {
  const issuer = trust.certificateAuthorities.flatMap((ca) => ca.certChain).find((ca) => ca.subject.equals(leaf.issuer) && leaf.verify(ca));
  if (!issuer) return 'chain';
  const scts = leaf.extSCT?.signedCertificateTimestamps ?? [];
  if (scts.length > 0) {
    const preCertificate = signedPreCertificate(leaf, issuer);
    const trusted = (sct: (typeof scts)[number]): boolean =>
      trust.ctlogs.some(
        (log) =>
          log.logID.equals(sct.logID) && log.validFor.start <= sct.datetime && sct.datetime <= log.validFor.end && sct.verify(preCertificate, log.publicKey),
      );
    if (!scts.every(trusted)) return 'sct-invalid';
  }
  return scts.length < ctlogThreshold ? 'sct-missing' : 'chain';
}

/**
 * What a CT log signed for a precertificate (RFC 6962 §3.2): the SHA-256 of the issuer's public key,
 * then the TBSCertificate without its SCT list extension, 24-bit length first.
 */
function signedPreCertificate(leaf: X509Certificate, issuer: X509Certificate): Buffer {
  const copy = leaf.clone();
  const at = copy.extensions.findIndex((ext) => ext.subs[0]?.toOID() === EXTENSION_OID_SCT);
  if (at !== -1) copy.extensions.splice(at, 1);
  const tbs = copy.tbsCertificate.toDER();
  const length = Buffer.alloc(3);
  length.writeUIntBE(tbs.length, 0, 3);
  return Buffer.concat([crypto.digest('sha256', issuer.publicKey), length, tbs]);
}
