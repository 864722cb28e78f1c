// PEM text read strictly: only whole `-----BEGIN X-----` … `-----END X-----` blocks and whitespace,
// each body canonical base64. Readers differ on what they skip (OpenSSL ignores text before a
// block, Go's pem.Decode returns the first block and the rest), so anything else is refused
// rather than read one way here and another way in cosign.
import { InputError } from '../errors.ts';

export interface PemBlock {
  type: string;
  der: Buffer;
}

export class PemError extends InputError {
  constructor(message: string) {
    super('PEM_INVALID', message);
    this.name = 'PemError';
  }
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END ([A-Z0-9 ]{1,40})-----/y;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Every block of the text, in order; throws PemError on anything that is not a block or whitespace. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let i = skipWhitespace(text, 0);
  while (i < text.length) {
    BLOCK.lastIndex = i;
    const m = BLOCK.exec(text);
    if (!m) throw new PemError(blocks.length === 0 ? 'not PEM text' : `text after PEM block ${blocks.length} is not a PEM block`);
    const [, type, body, endType] = m as unknown as [string, string, string, string];
    if (type !== endType) throw new PemError(`PEM block ${blocks.length + 1} begins as ${type} but ends as ${endType}`);
    const b64 = body.replace(/\r?\n/g, '');
    if (!BASE64.test(b64) || b64 === '') throw new PemError(`PEM block ${blocks.length + 1} (${type}) is not base64`);
    blocks.push({ type, der: Buffer.from(b64, 'base64') });
    i = skipWhitespace(text, BLOCK.lastIndex);
  }
  return blocks;
}

/** DER as PEM, 64 characters a line (as Go's pem.Encode and OpenSSL write it). */
export function toPem(type: string, der: Buffer): string {
  return `-----BEGIN ${type}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${type}-----\n`;
}

const BEGIN_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const END_CERTIFICATE = '-----END CERTIFICATE-----';

/**
 * The CERTIFICATE blocks of a CA bundle, each as PEM text ending in a newline (as `toPem` writes
 * it), skipping whatever stands between them (bundles carry comments and other blocks, which Go's
 * pem.Decode and OpenSSL skip too); each still has to parse where it is used. The lenient reader
 * for certificate files an operator names or the system holds; `pemBlocks` is the strict one.
 * Linear time.
 */
export function pemCertificateBlocks(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf(BEGIN_CERTIFICATE); i !== -1;) {
    const end = text.indexOf(END_CERTIFICATE, i + BEGIN_CERTIFICATE.length + 1);
    if (end === -1) break;
    out.push(`${text.slice(i, end + END_CERTIFICATE.length)}\n`);
    i = text.indexOf(BEGIN_CERTIFICATE, end + END_CERTIFICATE.length);
  }
  return out;
}
