// TUF_MIRROR without TUF_ROOT_JSON: ec's task initialises Sigstore's trust from the mirror itself
// (`ec sigstore initialize --mirror M --root M/root.json`, conforma/cli
// tasks/verify-enterprise-contract/0.1, commit a18338416237ca7c5154a0af499f81d4b821ea46): the
// mirror's root.json is trusted on first use, and TUF verifies everything after it. The step does
// the same, but only over https or to this machine: a first root fetched over plain http from
// elsewhere could be anyone's, and whoever chose it would choose every key after it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError, InputError, errorMessage } from '../../errors.ts';
import { readLimited } from '../../oci/http.ts';
import { discard, send } from '../../oci/transport.ts';
import { isLoopbackHost } from '../../oci/realm.ts';
import { makeDirectory } from '../../util/files.ts';

/** A TUF root.json is a few KiB; Sigstore's is under 10 KiB. */
const ROOT_LIMIT = 1024 * 1024;
const ROOT_TIMEOUT_MS = 30_000;

/** `<mirror>/root.json`, as ec's task builds it (a trailing slash does not double). */
export function mirrorRootUrl(mirror: string): URL {
  let base: URL;
  try {
    base = new URL(mirror);
  } catch {
    throw new InputError('TUF_MIRROR_INVALID', `TUF_MIRROR ${JSON.stringify(mirror)}: not a URL`, { value: 'TUF_MIRROR' });
  }
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.host))) {
    throw new InputError(
      'TUF_ROOT_UNTRUSTED',
      `TUF_MIRROR ${mirror}: the initial root.json would come over plain http, where anyone on the way could replace it; use an https mirror or pin the root with TUF_ROOT_JSON`,
      { value: 'TUF_MIRROR' },
    );
  }
  return new URL(`${base.pathname.replace(/\/+$/, '')}/root.json`, base);
}

/** Fetches the mirror's root.json into `dir` and returns its path. No redirects: the root comes from the mirror named. */
export async function fetchMirrorRoot(mirror: string, dir: string): Promise<string> {
  const url = mirrorRootUrl(mirror);
  const describe = `GET ${url.href}`;
  let body: Buffer;
  try {
    // A redirect is not followed: it is a status other than 200.
    const res = await send(url, {}, { timeoutMs: ROOT_TIMEOUT_MS });
    if (res.status !== 200) {
      await discard(res);
      throw new Error(`HTTP ${res.status}`);
    }
    body = await readLimited(res, { limit: ROOT_LIMIT, describe, timeoutMs: ROOT_TIMEOUT_MS });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `${errorMessage(err)}: ${err.cause.message}` : errorMessage(err);
    throw new EnvironmentError('TUF_ROOT_FETCH', `TUF_MIRROR ${mirror}: cannot fetch its root.json (${describe}): ${cause}`, {
      value: 'TUF_MIRROR',
      cause: err,
    });
  }
  await makeDirectory(dir);
  const path = join(dir, 'tuf-root.json');
  await writeFile(path, body);
  return path;
}
