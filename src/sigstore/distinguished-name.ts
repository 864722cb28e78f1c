// A certificate's subject or issuer as Go prints it (crypto/x509/pkix Name.String at go1.26:
// FillFromRDNSequence, then the attributes it knows in ToRDNSequence's order, those it does not in
// front, and RDNSequence.String reversing it), which is what ec puts in a signature's `Subject` and
// `Issuer` metadata: `CN=…,OU=…,O=…,POSTALCODE=…,STREET=…,L=…,ST=…,C=…`. Pure.
import { ASN1Obj } from '@sigstore/core';

/** pkix's attributeTypeNames. */
const TYPE_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

/** ToRDNSequence's order of the multi-valued fields (each one RDN), then CN and SERIALNUMBER. */
const FIELD_ORDER = ['2.5.4.6', '2.5.4.8', '2.5.4.7', '2.5.4.9', '2.5.4.17', '2.5.4.10', '2.5.4.11'];
const COMMON_NAME = '2.5.4.3';
const SERIAL_NUMBER = '2.5.4.5';

interface Attribute {
  type: string;
  value: string;
}

/** The DER of a SEQUENCE around `content` (a Name's bytes as @sigstore/core hands them out). */
function sequence(content: Buffer): Buffer<ArrayBuffer> {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([0x30, ...length]), Uint8Array.from(content)]);
}

function attributes(nameContent: Buffer): Attribute[] {
  const out: Attribute[] = [];
  for (const rdn of ASN1Obj.parseBuffer(sequence(nameContent)).subs) {
    for (const atv of rdn.subs) {
      const [type, value] = atv.subs;
      if (!type || !value) continue;
      // Go decodes every string type to text; BMPString (UCS-2) aside, the bytes are the text.
      const text =
        value.tag.number === 0x1e ? Buffer.from(value.value).swap16().toString('utf16le') : value.value.toString(value.tag.number === 0x0c ? 'utf8' : 'latin1');
      out.push({ type: type.toOID(), value: text });
    }
  }
  return out;
}

const PRINTABLE = /^[A-Za-z0-9 '()*+,\-./:=?]*$/;

/** asn1.Marshal of a Go string: PrintableString when it can be, else UTF8String; then hex. */
function marshalledHex(text: string): string {
  const bytes = Buffer.from(text, PRINTABLE.test(text) ? 'latin1' : 'utf8');
  const n = bytes.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([PRINTABLE.test(text) ? 0x13 : 0x0c, ...length]), bytes]).toString('hex');
}

/** RDNSequence.String's escaping: `,+"\<>;` always, a leading `#` or space, a trailing space (by byte). */
function escape(value: string): string {
  const lastByte = Buffer.byteLength(value, 'utf8') - 1;
  let out = '';
  let k = 0;
  for (const c of value) {
    const special = ',+"\\<>;'.includes(c) || (c === ' ' && (k === 0 || k === lastByte)) || (c === '#' && k === 0);
    out += special ? `\\${c}` : c;
    k += Buffer.byteLength(c, 'utf8');
  }
  return out;
}

function atvText(a: Attribute): string {
  const name = TYPE_NAMES[a.type];
  return name ? `${name}=${escape(a.value)}` : `${a.type}=#${marshalledHex(a.value)}`;
}

/** pkix.Name.String() of a Name's DER content (X509Certificate.subject / .issuer of @sigstore/core). */
export function goDistinguishedName(nameContent: Buffer): string {
  const attrs = attributes(nameContent);
  const rdns: Attribute[][] = attrs.filter((a) => !(a.type in TYPE_NAMES)).map((a) => [a]);
  for (const type of FIELD_ORDER) {
    const values = attrs.filter((a) => a.type === type);
    if (values.length > 0) rdns.push(values);
  }
  // FillFromRDNSequence keeps the last CommonName and SerialNumber; empty ones are left out.
  for (const type of [COMMON_NAME, SERIAL_NUMBER]) {
    const last = attrs.filter((a) => a.type === type).at(-1);
    if (last && last.value !== '') rdns.push([last]);
  }
  return rdns
    .reverse()
    .map((rdn) => rdn.map(atvText).join('+'))
    .join(',');
}
