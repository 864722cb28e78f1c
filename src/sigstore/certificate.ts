// What a signing certificate says: every SAN (email, URI, DNS, IP, Fulcio otherName), the Fulcio
// extensions, and ec's metadata map with ec's names
// (conforma/cli a18338416237 internal/signature/certificate.go). Pure.
import { goDistinguishedName } from './distinguished-name.ts';
import { ASN1Obj, type X509Certificate } from '@sigstore/core';
import type { EntitySignature } from '../model/signature.ts';
import type { SigningCertificate } from './signing-material.ts';
import { SignatureRejected } from './errors.ts';

const FULCIO_OID = '1.3.6.1.4.1.57264.1';
const OTHERNAME_USERNAME = `${FULCIO_OID}.7`;
const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** ec's metadata names for the Fulcio extensions (.1.1–.1.21); others are not reported. */
const FULCIO_NAMES: Record<number, string> = {
  1: 'Fulcio Issuer',
  2: 'Fulcio GitHub Workflow Trigger',
  3: 'Fulcio GitHub Workflow SHA',
  4: 'Fulcio GitHub Workflow Name',
  5: 'Fulcio GitHub Workflow Repository',
  6: 'Fulcio GitHub Workflow Ref',
  8: 'Fulcio Issuer (V2)',
  9: 'Fulcio Build Signer URI',
  10: 'Fulcio Build Signer Digest',
  11: 'Fulcio Runner Environment',
  12: 'Fulcio Source Repository URI',
  13: 'Fulcio Source Repository Digest',
  14: 'Fulcio Source Repository Ref',
  15: 'Fulcio Source Repository Identifier',
  16: 'Fulcio Source Repository Owner URI',
  17: 'Fulcio Source Repository Owner Identifier',
  18: 'Fulcio Build Config URI',
  19: 'Fulcio Build Config Digest',
  20: 'Fulcio Build Trigger',
  21: 'Fulcio Run Invocation URI',
};

export interface SubjectAlternativeNames {
  emails: string[];
  uris: string[];
  dns: string[];
  ips: string[];
  /** Fulcio username identities (otherName 1.3.6.1.4.1.57264.1.7). */
  otherNames: string[];
}

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

export function subjectAlternativeNames(cert: X509Certificate): SubjectAlternativeNames {
  const out: SubjectAlternativeNames = { emails: [], uris: [], dns: [], ips: [], otherNames: [] };
  const ext = cert.extSubjectAltName;
  if (!ext) return out;
  // valueObj is the extension's OCTET STRING; the GeneralNames SEQUENCE is inside it.
  const names = ext.valueObj.tag.isOctetString() ? (ext.valueObj.subs[0]?.subs ?? []) : ext.valueObj.subs;
  for (const name of names) {
    const tag = name.tag;
    if (tag.isContextSpecific(1)) out.emails.push(name.value.toString('ascii'));
    else if (tag.isContextSpecific(2)) out.dns.push(name.value.toString('ascii'));
    else if (tag.isContextSpecific(6)) out.uris.push(name.value.toString('ascii'));
    else if (tag.isContextSpecific(7)) out.ips.push(ipText(name.value));
    else if (tag.isContextSpecific(0) && name.subs.length >= 2) {
      // otherName: type-id OID, then [0] EXPLICIT value (a UTF8String for Fulcio usernames).
      const oid = name.subs[0]!.toOID();
      const wrapped = name.subs[1]!;
      const inner: ASN1Obj | undefined = wrapped.subs[0];
      if (oid === OTHERNAME_USERNAME && inner) out.otherNames.push(inner.value.toString('utf8'));
    }
  }
  return out;
}

/** Every SAN value, in the order cosign matches identities against them. */
export function allSans(sans: SubjectAlternativeNames): string[] {
  return [...sans.emails, ...sans.uris, ...sans.otherNames, ...sans.dns, ...sans.ips];
}

/** The SANs as cosign prints them in identity errors. */
export function subjectAltNamesText(sans: SubjectAlternativeNames): string {
  return allSans(sans).join(' ');
}

/** A Fulcio extension's string value: raw bytes for .1.1–.1.6, DER UTF8String for .1.8 on. */
function fulcioExtension(cert: X509Certificate, arc: number): string | undefined {
  const ext = cert.extension(`${FULCIO_OID}.${arc}`);
  if (!ext) return undefined;
  if (arc <= 6) return ext.value.toString('utf8');
  try {
    return ASN1Obj.parseBuffer(ext.value as Buffer<ArrayBuffer>).value.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The OIDC issuer: .1.8 (V2), else the deprecated .1.1 (sigstore-go's order). */
export function certificateIssuer(cert: X509Certificate): string | undefined {
  return fulcioExtension(cert, 8) ?? fulcioExtension(cert, 1);
}

/** Throws unless the certificate may sign code (no extended key usage, or codeSigning among them). */
export function assertCodeSigning(cert: SigningCertificate): void {
  // node:crypto exposes the EKU list; @sigstore/core does not.
  // undefined when the certificate has no EKU extension (Node's X509Certificate.keyUsage docs), whatever @types/node says.
  const eku = cert.node.keyUsage as string[] | undefined;
  if (eku !== undefined && !eku.includes(EKU_CODE_SIGNING)) {
    throw new SignatureRejected('NOT_CODE_SIGNING', 'the signing certificate is not for code signing (no codeSigning extended key usage)');
  }
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ec's certificate metadata map (keys sorted when serialised; empty values omitted). */
function certificateMetadata(signer: SigningCertificate): Record<string, string> {
  const { node, x509: cert } = signer;
  const sans = subjectAlternativeNames(cert);
  const sanParts = [
    sans.uris.length ? `URIs:${sans.uris.join(', ')}` : '',
    sans.emails.length ? `Email Addresses:${sans.emails.join(', ')}` : '',
    sans.otherNames.length ? `OtherName:${sans.otherNames.join(', ')}` : '',
    sans.dns.length ? `DNS Names:${sans.dns.join(', ')}` : '',
    sans.ips.length ? `IP Addresses:${sans.ips.join(', ')}` : '',
  ].filter((p) => p !== '');
  const meta: Record<string, string> = {
    Subject: goDistinguishedName(cert.subject),
    'Subject Alternative Name': sanParts.join('; '),
    Issuer: goDistinguishedName(cert.issuer),
    'Serial Number': node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
    'Not Before': rfc3339(cert.notBefore),
    'Not After': rfc3339(cert.notAfter),
  };
  for (const [arc, name] of Object.entries(FULCIO_NAMES)) {
    const v = fulcioExtension(cert, Number(arc));
    if (v) meta[name] = v;
  }
  return Object.fromEntries(
    Object.entries(meta)
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Hex SubjectKeyId of the leaf: ec's `keyid` for keyless signatures. */
function subjectKeyId(cert: X509Certificate): string {
  try {
    return cert.extSubjectKeyID?.keyIdentifier.toString('hex') ?? '';
  } catch {
    return '';
  }
}

/** ec's description of a signature made with a certificate, all from that one certificate. */
export function certificateSigner(cert: SigningCertificate, sig: string, chain: SigningCertificate[]): EntitySignature {
  return { keyid: subjectKeyId(cert.x509), sig, certificate: cert.pem, chain: chain.map((c) => c.pem), metadata: certificateMetadata(cert) };
}
