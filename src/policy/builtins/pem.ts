// Go's base64.StdEncoding.DecodeString and pem.Decode (go1.26.8 src/encoding/base64/base64.go,
// src/encoding/pem/pem.go) over byte strings (one char per byte): the strict padding Go requires,
// newlines ignored in base64, and PEM blocks found the way Go finds them. Pure.

/** Go's StdEncoding.DecodeString: '\r' and '\n' skipped, padding required; undefined on corrupt input. */
export function decodeStdBase64(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

const toText = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function getLine(data: string): { line: string; rest: string; consumed: number } {
  let i = data.indexOf('\n');
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] === '\r') i--;
  }
  return { line: data.slice(0, i).replace(/[ \t]+$/, ''), rest: data.slice(j), consumed: j };
}

export interface PemBlock {
  type: string;
  bytes: Uint8Array;
}

/** Go's pem.Decode over a byte string: the next block and the rest, or no block. */
export function pemDecode(data: string): { block?: PemBlock; rest: string } {
  let rest = data;
  let endTrailerIndex = 0;
  for (;;) {
    if (endTrailerIndex < 0 || endTrailerIndex > rest.length) return { rest: data };
    rest = rest.slice(endTrailerIndex);
    let endIndex = rest.indexOf('\n-----END ');
    if (endIndex < 0) return { rest: data };
    endTrailerIndex = endIndex + '\n-----END '.length;
    const beginIndex = rest.slice(0, endIndex).lastIndexOf('-----BEGIN ');
    if (beginIndex < 0 || (beginIndex > 0 && rest[beginIndex - 1] !== '\n')) continue;
    const skipBegin = beginIndex + '-----BEGIN '.length;
    rest = rest.slice(skipBegin);
    endIndex -= skipBegin;
    endTrailerIndex -= skipBegin;
    const typeLine = getLine(rest);
    rest = typeLine.rest;
    endIndex -= typeLine.consumed;
    endTrailerIndex -= typeLine.consumed;
    if (!typeLine.line.endsWith('-----')) continue;
    const type = typeLine.line.slice(0, -5);
    let headers = 0;
    let complete = true;
    for (;;) {
      if (rest.length === 0) {
        complete = false;
        break;
      }
      const l = getLine(rest);
      if (!l.line.includes(':')) break;
      headers++;
      rest = l.rest;
      endIndex -= l.consumed;
      endTrailerIndex -= l.consumed;
    }
    if (!complete) return { rest: data };
    if (headers > 0 && endIndex < 0) continue;
    let endTrailer = rest.slice(endTrailerIndex);
    const endTrailerLen = type.length + 5;
    if (endTrailer.length < endTrailerLen) continue;
    const restOfEndLine = endTrailer.slice(endTrailerLen);
    endTrailer = endTrailer.slice(0, endTrailerLen);
    if (!endTrailer.startsWith(type) || !endTrailer.endsWith('-----')) continue;
    if (getLine(restOfEndLine).line.length !== 0) continue;
    let bytes: Uint8Array = new Uint8Array();
    if (endIndex > 0) {
      const decoded = decodeStdBase64(rest.slice(0, endIndex).replace(/[ \t]/g, ''));
      if (!decoded) continue;
      bytes = decoded;
    }
    return { block: { type, bytes }, rest: getLine(rest.slice(endIndex + '\n-----END '.length - 1)).rest };
  }
}

export { toText as latin1Text };
