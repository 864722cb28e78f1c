// https policy downloads, over the registry client's transport (src/oci/transport.ts). Redirects are
// followed here, so every hop is checked before it is connected to (https only; plain http to
// loopback) and a downgrade is refused. The body is read as it streams and abandoned at the size
// limit; one deadline covers every hop and the whole body, so a server trickling bytes cannot hold a run.
import { EnvironmentError, InputError, errorMessage } from '../../errors.ts';
import { BodyError, discard, readBody, send, type HttpResponse } from '../../oci/transport.ts';
import { httpSourceUrl } from './classify.ts';

export interface DownloadLimits {
  maxBytes: number;
  /** For the whole download: every redirect hop and the body. */
  deadlineMs: number;
  maxRedirects: number;
}

export const DOWNLOAD_LIMITS: DownloadLimits = { maxBytes: 64 * 1024 * 1024, deadlineMs: 120_000, maxRedirects: 5 };

function tooLarge(source: string, limit: number): InputError {
  return new InputError('SOURCE_TOO_LARGE', `${source}: the download is larger than ${limit} bytes (the limit)`, { value: source });
}

function failed(source: string, err: unknown, limits: DownloadLimits): EnvironmentError {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new EnvironmentError('SOURCE_DOWNLOAD_TIMEOUT', `downloading ${source} did not finish within ${limits.deadlineMs / 1000} s (the limit)`, {
      value: source,
    });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return new EnvironmentError('SOURCE_DOWNLOAD_FAILED', `downloading ${source} failed: ${errorMessage(err)}${cause}`, { value: source });
}

async function readAll(res: HttpResponse, source: string, limits: DownloadLimits): Promise<Buffer> {
  try {
    return await readBody(res, { limit: limits.maxBytes });
  } catch (err) {
    if (err instanceof BodyError && err.reason !== 'broken') throw tooLarge(source, limits.maxBytes);
    throw err instanceof BodyError ? (err.cause ?? err) : err;
  }
}

/** Downloads `target` (https, or plain http on loopback) within the limits; messages name `source`. */
export async function download(target: string, source: string = target, limits: DownloadLimits = DOWNLOAD_LIMITS): Promise<Buffer> {
  let url = httpSourceUrl(target, source);
  const signal = AbortSignal.timeout(limits.deadlineMs);
  try {
    for (let hop = 0; ; hop++) {
      const res = await send(url, {}, { timeoutMs: limits.deadlineMs, signal });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await discard(res);
        if (hop >= limits.maxRedirects)
          throw new EnvironmentError('SOURCE_DOWNLOAD_FAILED', `downloading ${source} failed: more than ${limits.maxRedirects} redirects (the limit)`, {
            value: source,
          });
        url = httpSourceUrl(new URL(location, url).href, source, url.href);
        continue;
      }
      if (!res.ok) {
        await discard(res);
        throw new EnvironmentError('SOURCE_DOWNLOAD_FAILED', `downloading ${source} failed: HTTP ${res.status}`, { value: source });
      }
      return await readAll(res, source, limits);
    }
  } catch (err) {
    if (err instanceof InputError || err instanceof EnvironmentError) throw err;
    throw failed(source, err, limits);
  }
}
