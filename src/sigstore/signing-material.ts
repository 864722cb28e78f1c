// The one certificate (or key) a signature was made with, read strictly from what carries it: a
// bundle's verification material, or a legacy layer's certificate and chain annotations. Every
// check (signature, identity, issuer, SCT, validity, chain) is made on this certificate, so
// material that could name two signers is refused, never resolved by picking one:
// - a bundle sets exactly one of publicKey / x509CertificateChain / certificate, and exactly one of
//   messageSignature / dsseEnvelope (protobuf's oneof would silently keep one of several);
// - the certificates after the first of an x509CertificateChain (v0.1/v0.2 bundles, and the v0.3
//   ones cosign v3 writes with --certificate-chain) and those of the legacy chain annotation must
//   each be the CA that issued the certificate before them (no other leaf, no stranger); a bundle
//   chain may not hold a root (sigstore-conformance bundle-with-root-cert_fail), the legacy
//   annotation may end with one (cosign writes Fulcio's chain there). They are informational:
//   @sigstore/verify and the organisation-CA check build chains from the trust root or the
//   configured CA only, never from these.
// Pure.
import { X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { bundleFromJSON, ValidationError, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { X509CertificateChain } from '@sigstore/protobuf-specs';
import { errorMessage } from '../errors.ts';
import { parseStrictJson } from '../util/strict-json.ts';
import { pemBlocks, toPem } from '../util/pem.ts';
import { MalformedSignatureError } from './errors.ts';

export interface SigningCertificate {
  der: Buffer;
  /** The DER as PEM (what reports show). */
  pem: string;
  /** @sigstore/core's reading, the one @sigstore/verify checks. */
  x509: X509Certificate;
  /** Node's reading of the same DER (extended key usage). */
  node: NodeX509;
  key: KeyObject;
}

type SigningMaterial = { kind: 'publicKey' } | { kind: 'certificate'; certificate: SigningCertificate; chain: SigningCertificate[] };

export interface ParsedBundle {
  /** The bundle as @sigstore/verify sees it. */
  bundle: Bundle;
  material: SigningMaterial;
}

/** Certificates a signature may carry (leaf and issuers): real chains hold two to four. */
const MAX_CERTIFICATES = 10;
/**
 * Log entries and timestamps a bundle may carry (cosign writes one of each at most): @sigstore/verify
 * checks the chain once per timestamp and compares them pairwise, so thousands cost minutes.
 */
const MAX_PROOFS = 10;

function ambiguous(message: string): MalformedSignatureError {
  return new MalformedSignatureError(`ambiguous verification material: ${message}`);
}

/**
 * A certificate from DER that @sigstore/core and Node read alike: strict DER (no trailing or
 * re-encodable bytes) and the same public key, so no check is made on another reading.
 */
export function parseSigningCertificate(der: Buffer, what: string): SigningCertificate {
  let x509: X509Certificate;
  let node: NodeX509;
  let key: KeyObject;
  try {
    x509 = X509Certificate.parse(der as Buffer<ArrayBuffer>);
    node = new NodeX509(der);
    key = node.publicKey;
    // @sigstore/core reads fields lazily: a field it cannot read fails here, not during a check.
    const _read = [x509.subject, x509.issuer, x509.notBefore, x509.notAfter, x509.extensions, x509.isCA, x509.signatureAlgorithm];
  } catch (err) {
    throw new MalformedSignatureError(`${what} is not an X.509 certificate (${errorMessage(err).slice(0, 200)})`, { cause: err });
  }
  if (!Buffer.from(x509.root.toDER()).equals(der) || !node.raw.equals(der))
    throw new MalformedSignatureError(`${what} is not DER (extra or non-canonical bytes)`);
  if (Number.isNaN(x509.notBefore.getTime()) || Number.isNaN(x509.notAfter.getTime()))
    throw new MalformedSignatureError(`${what} has an unreadable validity period`);
  if (!key.export({ type: 'spki', format: 'der' }).equals(x509.publicKey))
    throw new MalformedSignatureError(`${what}: certificate parsers disagree on its public key`);
  return { der, pem: toPem('CERTIFICATE', der), x509, node, key };
}

function issued(issuer: X509Certificate, child: X509Certificate): boolean {
  try {
    return issuer.subject.equals(child.issuer) && child.verify(issuer);
  } catch {
    return false;
  }
}

/** Certificates carried after the signing certificate: each the CA that issued the one before. */
function assertIssuerChain(signer: SigningCertificate, chain: SigningCertificate[], where: string, rootAllowed: boolean): void {
  let child = signer.x509;
  chain.forEach((c, i) => {
    const n = `${where} certificate ${i + 1}`;
    if (c.x509.equals(signer.x509)) throw ambiguous(`${n} is the signing certificate again`);
    if (!c.x509.isCA) throw ambiguous(`${n} is not a CA certificate (another signer's certificate?)`);
    if (!issued(c.x509, child)) throw ambiguous(`${n} did not issue the certificate before it`);
    if (c.x509.subject.equals(c.x509.issuer) && (!rootAllowed || i !== chain.length - 1)) {
      throw ambiguous(`${n} is a root certificate; roots come from the trust root, never from the signature`);
    }
    child = c.x509;
  });
}

/** The number of `names` set on `obj` (a JSON object), any value, null included. */
function present(obj: Record<string, unknown>, names: readonly string[]): string[] {
  return names.filter((n) => Object.hasOwn(obj, n));
}

// Go's protojson also accepts the proto field names; @sigstore/protobuf-specs does not, so a
// snake_case member is read by cosign and ignored here: counted, and so refused beside another.
const CONTENT = ['messageSignature', 'dsseEnvelope', 'message_signature', 'dsse_envelope'] as const;
const MATERIAL = ['publicKey', 'x509CertificateChain', 'certificate', 'public_key', 'x509_certificate_chain'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function exactlyOne(obj: Record<string, unknown>, names: readonly string[], what: string): void {
  const set = present(obj, names);
  if (set.length > 1) throw ambiguous(`the bundle sets ${set.join(' and ')}; exactly one ${what} is allowed`);
  if (set.length === 0) throw new MalformedSignatureError(`the bundle has no ${what}`);
  if (set[0]!.includes('_')) throw new MalformedSignatureError(`the bundle names its ${what} ${set[0]!}; write it in protobuf JSON's camelCase`);
  if (!isObject(obj[set[0]!])) throw new MalformedSignatureError(`the bundle's ${set[0]!} is not a JSON object`);
}

/** What the verifier will check the signature with; `carried` are the certificates moved out of a v0.3 chain. */
function signingMaterial(bundle: Bundle, carried: Buffer[]): SigningMaterial {
  const content = bundle.verificationMaterial.content;
  const chainOf = (certs: Buffer[]): SigningMaterial => {
    if (certs.length > MAX_CERTIFICATES)
      throw new MalformedSignatureError(`the bundle's x509CertificateChain holds ${certs.length} certificates; at most ${MAX_CERTIFICATES} are read`);
    const [first, ...rest] = certs.map((der, i) => parseSigningCertificate(der, `certificate ${i + 1} of the bundle's x509CertificateChain`));
    if (!first) throw new MalformedSignatureError("the bundle's x509CertificateChain is empty");
    assertIssuerChain(first, rest, "the bundle's x509CertificateChain", false);
    return { kind: 'certificate', certificate: first, chain: rest };
  };
  switch (content.$case) {
    case 'publicKey':
      return { kind: 'publicKey' };
    case 'certificate':
      return carried.length > 0
        ? chainOf([content.certificate.rawBytes, ...carried])
        : { kind: 'certificate', certificate: parseSigningCertificate(content.certificate.rawBytes, 'the bundle certificate'), chain: [] };
    case 'x509CertificateChain':
      return chainOf(content.x509CertificateChain.certificates.map((c) => c.rawBytes));
  }
}

const V01_V02 = /^application\/vnd\.dev\.sigstore\.bundle\+json;version=0\.[12]$/;

/**
 * cosign v3 (`sign --certificate … --certificate-chain …`) writes v0.3 bundles with an
 * x509CertificateChain (leaf, then intermediates), which the v0.3 format replaced by a single
 * certificate and @sigstore/bundle refuses. The verifier gets the leaf as that certificate; the
 * rest are returned to be checked as its issuers (never anchors, like every carried certificate).
 */
function cosignV03Chain(json: Record<string, unknown>, vm: Record<string, unknown>): { json: Record<string, unknown>; carried: Buffer[] } {
  const chain = vm.x509CertificateChain;
  if (typeof json.mediaType !== 'string' || V01_V02.test(json.mediaType) || !isObject(chain) || !Array.isArray(chain.certificates))
    return { json, carried: [] };
  const [leaf, ...rest] = X509CertificateChain.fromJSON(chain).certificates;
  if (!leaf) return { json, carried: [] };
  const others = Object.fromEntries(Object.entries(vm).filter(([k]) => k !== 'x509CertificateChain'));
  return {
    json: { ...json, verificationMaterial: { ...others, certificate: { rawBytes: leaf.rawBytes.toString('base64') } } },
    carried: rest.map((c) => c.rawBytes),
  };
}

/** A bundle from its bytes: strict JSON, one signature content, one signing certificate or key. */
export function parseBundle(bytes: Buffer | string): ParsedBundle {
  let json: unknown;
  try {
    json = parseStrictJson(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new MalformedSignatureError(`the bundle: ${errorMessage(err)}`, { cause: err });
  }
  if (!isObject(json)) throw new MalformedSignatureError('the bundle is not a JSON object');
  exactlyOne(json, CONTENT, 'signature content (messageSignature or dsseEnvelope)');
  if (Object.hasOwn(json, 'verification_material')) throw ambiguous('the bundle names verification_material; write it verificationMaterial');
  const vm = json.verificationMaterial;
  if (!isObject(vm)) throw new MalformedSignatureError('the bundle has no verificationMaterial object');
  exactlyOne(vm, MATERIAL, 'signing key or certificate (publicKey, x509CertificateChain or certificate)');
  let bundle: Bundle;
  let carried: Buffer[];
  try {
    const normalised = cosignV03Chain(json, vm);
    carried = normalised.carried;
    bundle = bundleFromJSON(normalised.json);
  } catch (err) {
    const fields = err instanceof ValidationError ? `: ${err.fields.join(', ')}` : '';
    // ts-proto reads wrong-typed members with TypeErrors; every failure here is a malformed bundle.
    throw new MalformedSignatureError(`not a valid Sigstore bundle${fields || ` (${errorMessage(err).slice(0, 200)})`}`, { cause: err });
  }
  const proofs: [number, number] = [
    bundle.verificationMaterial.tlogEntries.length,
    bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0,
  ];
  if (proofs.some((n) => n > MAX_PROOFS))
    throw new MalformedSignatureError(`the bundle carries ${proofs[0]} log entries and ${proofs[1]} timestamps; at most ${MAX_PROOFS} of each are read`);
  return { bundle, material: signingMaterial(bundle, carried) };
}

/** The legacy layout: exactly one certificate in `certificate`, its issuers (if any) in `chain`. */
export function legacySigningCertificate(
  certificateText: string,
  chainText: string | undefined,
): { certificate: SigningCertificate; chain: SigningCertificate[] } {
  const read = (text: string, annotation: string): SigningCertificate[] => {
    let blocks;
    try {
      blocks = pemBlocks(text);
    } catch (err) {
      throw new MalformedSignatureError(`the ${annotation} annotation: ${errorMessage(err)}`, { cause: err });
    }
    if (blocks.length > MAX_CERTIFICATES)
      throw new MalformedSignatureError(`the ${annotation} annotation holds ${blocks.length} PEM blocks; at most ${MAX_CERTIFICATES} are read`);
    return blocks.map((b, i) => {
      if (b.type !== 'CERTIFICATE') throw new MalformedSignatureError(`the ${annotation} annotation holds a ${b.type}, not a CERTIFICATE`);
      return parseSigningCertificate(b.der, `certificate ${i + 1} of the ${annotation} annotation`);
    });
  };
  const certs = read(certificateText, 'dev.sigstore.cosign/certificate');
  if (certs.length !== 1) throw ambiguous(`the dev.sigstore.cosign/certificate annotation holds ${certs.length} certificates; exactly one signed`);
  const chain = chainText && chainText.trim() !== '' ? read(chainText, 'dev.sigstore.cosign/chain') : [];
  assertIssuerChain(certs[0]!, chain, 'the dev.sigstore.cosign/chain annotation', true);
  return { certificate: certs[0]!, chain };
}
