// A strict DER reader with the rules of Go's golang.org/x/crypto/cryptobyte (vendored in go1.26.8,
// src/vendor/golang.org/x/crypto/cryptobyte/asn1.go), which crypto/x509 parses certificates with:
// low tag numbers only, minimal lengths, minimal INTEGERs, OID arcs below 2^31, canonical
// BOOLEANs and BIT STRINGs. Every read returns undefined where cryptobyte returns false. Pure.

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUM: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  NumericString: 0x12,
  BMPString: 0x1e,
} as const;

/** A context-specific tag [n], constructed or not. */
export const contextTag = (n: number, constructed = false): number => 0x80 | (constructed ? 0x20 : 0) | n;

export class Der {
  private bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get empty(): boolean {
    return this.bytes.length === 0;
  }

  get rest(): Uint8Array {
    return this.bytes;
  }

  peek(tag: number): boolean {
    return this.bytes.length > 0 && this.bytes[0] === tag;
  }

  /** One element: its tag, contents and whole encoding; undefined where cryptobyte's readASN1 fails. */
  readAny(): { tag: number; body: Uint8Array; element: Uint8Array } | undefined {
    const s = this.bytes;
    if (s.length < 2) return undefined;
    const tag = s[0]!;
    const lenByte = s[1]!;
    if ((tag & 0x1f) === 0x1f) return undefined;
    let length: number;
    let header: number;
    if ((lenByte & 0x80) === 0) {
      header = 2;
      length = lenByte;
    } else {
      const lenLen = lenByte & 0x7f;
      if (lenLen === 0 || lenLen > 4 || s.length < 2 + lenLen) return undefined;
      let len32 = 0;
      for (let i = 0; i < lenLen; i++) len32 = len32 * 256 + s[2 + i]!;
      // Minimal: long form only from 128, and no leading zero octet.
      if (len32 < 128 || s[2] === 0) return undefined;
      header = 2 + lenLen;
      length = len32;
    }
    if (s.length < header + length) return undefined;
    this.bytes = s.subarray(header + length);
    return { tag, body: s.subarray(header, header + length), element: s.subarray(0, header + length) };
  }

  /** The contents of an element with this tag. */
  read(tag: number): Der | undefined {
    const save = this.bytes;
    const e = this.readAny();
    if (!e || e.tag !== tag) {
      this.bytes = save;
      return undefined;
    }
    return new Der(e.body);
  }

  /** The whole encoding of an element with this tag. */
  readElement(tag: number): Uint8Array | undefined {
    const save = this.bytes;
    const e = this.readAny();
    if (!e || e.tag !== tag) {
      this.bytes = save;
      return undefined;
    }
    return e.element;
  }

  /** ReadOptionalASN1: undefined on a malformed element, present false when the tag is absent. */
  readOptional(tag: number): { present: boolean; value: Der } | undefined {
    if (!this.peek(tag)) return { present: false, value: new Der(new Uint8Array()) };
    const v = this.read(tag);
    return v && { present: true, value: v };
  }

  skipOptional(tag: number): boolean {
    return !this.peek(tag) || this.read(tag) !== undefined;
  }

  readBoolean(): boolean | undefined {
    const b = this.read(TAG.BOOLEAN)?.rest;
    if (!b || b.length !== 1) return undefined;
    return b[0] === 0xff ? true : b[0] === 0 ? false : undefined;
  }

  /** A minimally encoded INTEGER (any size), with this tag. */
  readBigInt(tag: number = TAG.INTEGER): bigint | undefined {
    const b = this.read(tag)?.rest;
    if (!b || !minimalInteger(b)) return undefined;
    let n = 0n;
    for (const x of b) n = (n << 8n) | BigInt(x);
    return (b[0]! & 0x80) !== 0 ? n - (1n << BigInt(8 * b.length)) : n;
  }

  /** An INTEGER that fits Go's int64 (ReadASN1Integer into *int / ReadASN1Int64WithTag). */
  readInt64(tag: number = TAG.INTEGER): bigint | undefined {
    const save = this.bytes;
    const body = this.read(tag)?.rest;
    this.bytes = save;
    if (!body || body.length > 8) return undefined;
    return this.readBigInt(tag);
  }

  /** An INTEGER read into Go's uint (non-negative, at most 64 bits). */
  readUint64(): bigint | undefined {
    const save = this.bytes;
    const body = this.read(TAG.INTEGER)?.rest;
    this.bytes = save;
    if (!body || body.length > 9 || (body.length === 9 && body[0] !== 0) || (body.length > 0 && (body[0]! & 0x80) !== 0)) return undefined;
    return this.readBigInt();
  }

  /** An OBJECT IDENTIFIER as Go's asn1.ObjectIdentifier ([]int, arcs below 2^31). */
  readOID(): number[] | undefined {
    const b = this.read(TAG.OID)?.rest;
    if (!b || b.length === 0) return undefined;
    const arcs: number[] = [];
    let i = 0;
    const base128 = (): number | undefined => {
      let ret = 0;
      for (let n = 0; i < b.length; n++) {
        if (n === 5 || ret >= 1 << 24) return undefined;
        const c = b[i++]!;
        if (n === 0 && c === 0x80) return undefined;
        ret = ret * 128 + (c & 0x7f);
        if ((c & 0x80) === 0) return ret;
      }
      return undefined;
    };
    const first = base128();
    if (first === undefined) return undefined;
    if (first < 80) arcs.push(Math.floor(first / 40), first % 40);
    else arcs.push(2, first - 80);
    while (i < b.length) {
      const v = base128();
      if (v === undefined) return undefined;
      arcs.push(v);
    }
    return arcs;
  }

  /** A BIT STRING: its bytes (padding bits zero, as DER requires) and bit length. */
  readBitString(): { bytes: Uint8Array; bitLength: number } | undefined {
    const b = this.read(TAG.BIT_STRING)?.rest;
    if (!b || b.length === 0) return undefined;
    const padding = b[0]!;
    const bytes = b.subarray(1);
    if (padding > 7 || (bytes.length === 0 && padding !== 0) || (bytes.length > 0 && (bytes[bytes.length - 1]! & ((1 << padding) - 1)) !== 0)) return undefined;
    return { bytes, bitLength: bytes.length * 8 - padding };
  }
}

function minimalInteger(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  if (b.length === 1) return true;
  return !((b[0] === 0 && (b[1]! & 0x80) === 0) || (b[0] === 0xff && (b[1]! & 0x80) === 0x80));
}

/** asn1.BitString.RightAlign: the bits shifted so that padding is on the left. */
export function rightAlign(bs: { bytes: Uint8Array; bitLength: number }): Uint8Array {
  const shift = 8 - (bs.bitLength % 8);
  if (shift === 8 || bs.bytes.length === 0) return bs.bytes;
  const a = new Uint8Array(bs.bytes.length);
  a[0] = bs.bytes[0]! >> shift;
  for (let i = 1; i < bs.bytes.length; i++) a[i] = ((bs.bytes[i - 1]! << (8 - shift)) & 0xff) | (bs.bytes[i]! >> shift);
  return a;
}

/** asn1.BitString.At(i). */
export function bitAt(bs: { bytes: Uint8Array; bitLength: number }, i: number): number {
  if (i < 0 || i >= bs.bitLength) return 0;
  return (bs.bytes[i >> 3]! >> (7 - (i & 7))) & 1;
}
