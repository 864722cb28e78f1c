// The OIDC identity token keyless VSA signing presents to Fulcio: a token file (a Tekton workload
// identity's projected token), SIGSTORE_ID_TOKEN, or the GitHub Actions ID token service
// (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, audience `sigstore`, as sigstore-js's CI provider asks).
// The environment comes from the face; a token is never printed.
import { readFile } from 'node:fs/promises';
import { EnvironmentError, InputError, errorMessage } from '../errors.ts';
import './sign-errors.ts';

const TOKEN_LIMIT = 64 * 1024;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function checked(token: string, origin: string): string {
  const t = token.trim();
  if (!JWT.test(t)) throw new InputError('VSA_IDENTITY_TOKEN_MISSING', `${origin} is not a JWT (three base64url parts)`, { value: origin });
  return t;
}

async function fromGitHubActions(url: string, bearer: string): Promise<string> {
  const target = new URL(url);
  target.searchParams.set('audience', 'sigstore');
  let res: Response;
  try {
    res = await fetch(target, {
      headers: { accept: 'application/json', authorization: `Bearer ${bearer}` },
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new EnvironmentError(
      'VSA_IDENTITY_TOKEN_FAILED',
      `the GitHub Actions ID token service (${target.origin}) could not be reached: ${errorMessage(err)}`,
      { value: target.origin },
    );
  }
  const text = await res.text();
  if (!res.ok || text.length > TOKEN_LIMIT) {
    throw new EnvironmentError(
      'VSA_IDENTITY_TOKEN_FAILED',
      `the GitHub Actions ID token service answered ${res.status}: does the job have \`permissions: id-token: write\`?`,
      { value: target.origin },
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string')
    throw new EnvironmentError('VSA_IDENTITY_TOKEN_FAILED', 'the GitHub Actions ID token service sent no token', { value: target.origin });
  return checked(value, 'the GitHub Actions ID token');
}

/** The token, from the first of: the file, SIGSTORE_ID_TOKEN, GitHub Actions. */
export async function identityToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (err) {
      throw new InputError(
        'VSA_IDENTITY_TOKEN_MISSING',
        `--vsa-identity-token ${tokenFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        { value: '--vsa-identity-token' },
      );
    }
    if (text.length > TOKEN_LIMIT)
      throw new InputError('VSA_IDENTITY_TOKEN_MISSING', `--vsa-identity-token ${tokenFile} is over ${TOKEN_LIMIT} bytes`, { value: '--vsa-identity-token' });
    return checked(text, `--vsa-identity-token ${tokenFile}`);
  }
  if (env.SIGSTORE_ID_TOKEN) return checked(env.SIGSTORE_ID_TOKEN, 'SIGSTORE_ID_TOKEN');
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    return fromGitHubActions(env.ACTIONS_ID_TOKEN_REQUEST_URL, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  throw new InputError(
    'VSA_IDENTITY_TOKEN_MISSING',
    'keyless VSA signing needs an OIDC token: --vsa-identity-token FILE, SIGSTORE_ID_TOKEN, or a GitHub Actions job with `permissions: id-token: write`',
    { value: '--vsa-keyless' },
  );
}
