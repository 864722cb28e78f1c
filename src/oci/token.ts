// What goes into and comes out of Authorization headers: the docker token service's answer
// (distribution's token spec: `token`, or OAuth2's `access_token`) and basic credentials. Pure.
import { RegistryError } from './errors.ts';
import { isRecord } from '../util/json-shapes.ts';

/** Visible ASCII only: anything else cannot be a header value (and could split one). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** The bearer token in a token service's answer, or BAD_RESPONSE naming the request. */
export function parseTokenResponse(bytes: Uint8Array, describe: string): string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `${describe}: the answer is not JSON`, { value: describe });
  }
  const fields = isRecord(body) ? body : {};
  const token = [fields.token, fields.access_token].find((t): t is string => typeof t === 'string' && t !== '');
  if (token === undefined) throw new RegistryError('BAD_RESPONSE', `${describe}: the answer has no token`, { value: describe });
  if (!HEADER_SAFE.test(token)) throw new RegistryError('BAD_RESPONSE', `${describe}: the token has characters a header cannot carry`, { value: describe });
  return token;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * A registry's `{"errors":[{"code","message"}]}` as one line for a message: control characters
 * (terminal escapes) removed and the length capped, since the registry writes it.
 */
export function registryErrorDetail(body: unknown, maxChars = 500): string | undefined {
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return undefined;
  const parts = errors
    .filter((e): e is { code?: unknown; message?: unknown } => typeof e === 'object' && e !== null)
    .map((e) => `${typeof e.code === 'string' ? e.code : 'UNKNOWN'}: ${typeof e.message === 'string' ? e.message : ''}`.trim());
  if (parts.length === 0) return undefined;
  const text = parts.join('; ').replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
