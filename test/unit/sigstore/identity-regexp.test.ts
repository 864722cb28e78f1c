// --certificate-identity-regexp and --certificate-oidc-issuer-regexp have cosign's semantics (Go's
// RE2, unanchored): differential against the real `cosign verify` on conforma's keyless image
// (test/fixtures), and linear time for a pattern that makes a backtracking engine run for hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateJson, vouch } from '../../support/run-cli.ts';
import { toolPath } from '../../support/tools.ts';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../../fixtures/conforma-keyless-image', import.meta.url));
const image = `oci:${fixture}/oci-layout@sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee`;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const main = fileURLToPath(new URL('../../../src/faces/main.ts', import.meta.url));

/** cosign's verdict on the same image and trust root: true when it verifies. */
async function cosignAccepts(flags: string[]): Promise<boolean> {
  try {
    await run(toolPath('cosign'), ['verify', '--local-image', `${fixture}/oci-layout`, '--trusted-root', `${fixture}/trusted_root.json`, ...flags], {
      env: { ...process.env, HOME: fixture },
    });
    return true;
  } catch {
    return false;
  }
}

// [identity flags, what the row exercises]
const ROWS: [string[], string][] = [
  [['--certificate-identity-regexp', '(?i)^HTTPS://KUBERNETES\\.IO/', '--certificate-oidc-issuer', ISSUER], 'a (?i) prefix'],
  [['--certificate-identity-regexp', '^https://kubernetes\\.io/namespaces/\\Qdefault\\E/', '--certificate-oidc-issuer', ISSUER], '\\Q…\\E quoting'],
  [['--certificate-identity-regexp', 'serviceaccounts/default\\z', '--certificate-oidc-issuer', ISSUER], '\\z'],
  [['--certificate-identity-regexp', '^[[:alpha:]]+://\\pL+\\.io/', '--certificate-oidc-issuer', ISSUER], 'POSIX and Unicode classes'],
  [['--certificate-identity-regexp', '^(?U)h.+/', '--certificate-oidc-issuer', ISSUER], '(?U) after ^'],
  [
    ['--certificate-identity-regexp', 'namespaces/(?P<ns>\\w+)/', '--certificate-oidc-issuer-regexp', '(?i:CLUSTER)\\.local\\z'],
    'a named group; an issuer regexp',
  ],
  [
    ['--certificate-identity-regexp', '^https://kubernetes\\.io/namespaces/default/serviceaccounts/defaul$', '--certificate-oidc-issuer', ISSUER],
    'anchored, one letter short',
  ],
  [['--certificate-identity-regexp', 'kubernetes\\.io', '--certificate-oidc-issuer-regexp', '^cluster\\.local'], 'an issuer regexp that does not match'],
];

/** A cache of its own for each run: a cached verdict must not stand in for the matching under test. */
const fresh = async (): Promise<NodeJS.ProcessEnv> => ({ ...process.env, VOUCH_CACHE_DIR: await mkdtemp(join(tmpdir(), 'vouch-id-')) });

test('identity regexps: vouch verifies exactly when cosign does', async () => {
  for (const [flags, what] of ROWS) {
    const [theirs, ours] = await Promise.all([
      cosignAccepts(flags),
      validateJson(['--image', image, '--trusted-root', `${fixture}/trusted_root.json`, ...flags], await fresh()),
    ]);
    assert.equal(
      ours.code === 0,
      theirs,
      `${what}: cosign ${theirs ? 'accepts' : 'rejects'} ${flags.join(' ')} (vouch exit ${ours.code}: ${ours.stderr.trim()})`,
    );
  }
});

test('a catastrophic identity regexp is answered as cosign answers it, in seconds (the CLI in a child process, so a hang fails)', async () => {
  const flags = ['--certificate-identity-regexp', '^(.+)+x$', '--certificate-oidc-issuer', ISSUER];
  // Backtracking on ^(.+)+x$ would take longer than the universe: only a hang ends in the kill.
  const child = await run(
    process.execPath,
    [main, 'validate', 'image', '--image', image, '--trusted-root', `${fixture}/trusted_root.json`, ...flags, '--output', 'json'],
    {
      timeout: 300_000,
      env: await fresh(),
    },
  ).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code?: number | string; killed?: boolean; stdout?: string }) => {
      if (err.killed) throw new Error('vouch did not finish within 300 s: the identity regexp backtracks');
      return { code: Number(err.code), stdout: err.stdout ?? '' };
    },
  );
  assert.equal(child.code, 1);
  assert.match(child.stdout, /none of the expected identities matched/);
  assert.equal(await cosignAccepts(flags), false);
});

test("an identity regexp that is not RE2 is bad input before any image, with Go's message (cosign refuses it too)", async () => {
  for (const [flag, pattern] of [
    ['--certificate-identity-regexp', '(default)\\1'],
    ['--certificate-oidc-issuer-regexp', '(a*)*'],
  ] as const) {
    const flags =
      flag === '--certificate-identity-regexp' ? [flag, pattern, '--certificate-oidc-issuer', ISSUER] : ['--certificate-identity-regexp', '.', flag, pattern];
    // Port 9 on loopback: nothing listens; a run that started would report the image instead.
    const ours = await vouch(['validate', 'image', '--image', '127.0.0.1:9/never/fetched:v1', ...flags], await fresh());
    assert.equal(ours.code, 2, ours.stderr);
    assert.equal(ours.stdout, '');
    assert.match(ours.stderr, new RegExp(`^Error: ${flag} ${JSON.stringify(pattern).replace(/[\\()*]/g, '\\$&')}`));
  }
  const ours = await vouch(
    ['validate', 'image', '--image', image, '--certificate-identity-regexp', '(default)\\1', '--certificate-oidc-issuer', ISSUER],
    await fresh(),
  );
  assert.match(
    ours.stderr,
    /--certificate-identity-regexp "\(default\)\\\\1" is not a valid regular expression: error parsing regexp: invalid escape sequence/,
  );
  assert.equal(await cosignAccepts(['--certificate-identity-regexp', '(default)\\1', '--certificate-oidc-issuer', ISSUER]), false);
});
