// Source URLs come from policies an attacker may write. Any string is classified or refused with a
// typed input error; anything accepted as git yields `git fetch` arguments in which no user value
// can be an option (only vouch's fixed options come before `--`, nothing after it starts with `-`),
// over an allowed transport only (never ext::/fd:: or another remote helper); anything accepted as
// https is fetched from https, or plain http on loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../../src/errors.ts';
import { classifySource, httpSourceUrl, isLoopbackUrl } from '../../../../src/policy/sources/classify.ts';
import { GIT_FETCH_OPTIONS, gitCommitArgs, gitFetchArgs, isGitRefName, parseGitUrl, type GitUrl } from '../../../../src/policy/sources/git-url.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';

const INTO = 'refs/vouch/fetch/0123456789abcdef';
const typed = (fn: () => void, text: string): void => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(text)}: ${String(err)}`);
  }
};

const piece = fc.constantFrom(
  '-',
  '--',
  '-u',
  '--upload-pack=touch x',
  'ext::',
  'fd::',
  '::',
  '//',
  '/',
  '?',
  '&',
  '=',
  '%2d',
  '%20',
  ' ',
  '\t',
  '\n',
  ':',
  '@',
  '..',
  '.git',
  'a',
  'HTTP',
  'git',
  'ssh',
  'file',
  '+',
  '^',
  '~',
  '*',
  '[',
  '\\',
  '\u0000',
  '127.0.0.1',
  'localhost',
  'github.com',
  '1',
  '0',
);
const scheme = fc.constantFrom('', 'git::', 'GIT::', 'https::', 'oci::', 'file::', 'ext::', 'fd::', 'foo::');
const transport = fc.constantFrom(
  '',
  'https://',
  'HTTPS://',
  'http://',
  'git://',
  'ssh://',
  'git+ssh://',
  'file://',
  'ext://',
  'fd://',
  'ftp://',
  'git@',
  '/',
  './',
  '-',
);
const sourceLike = fc.oneof(
  fc.string(),
  fc
    .tuple(
      scheme,
      transport,
      fc.array(piece, { maxLength: 6 }),
      fc.array(piece, { maxLength: 4 }),
      fc.array(piece, { maxLength: 4 }),
      fc.array(piece, { maxLength: 3 }),
    )
    .map(([s, t, host, path, ref, depth]) => `${s}${t}${host.join('')}/${path.join('')}//sub?ref=${ref.join('')}&depth=${depth.join('')}`),
  fc.tuple(scheme, transport, fc.string(), fc.string()).map(([s, t, a, b]) => `${s}${t}${a}.git?ref=${b}`),
);

function assertSafeArgs(g: GitUrl, url: string): void {
  const args = gitFetchArgs(g, INTO);
  const dashdash = args.indexOf('--');
  assert.equal(args[0], 'fetch');
  assert.ok(dashdash > 0, url);
  for (const a of args.slice(1, dashdash))
    assert.ok((GIT_FETCH_OPTIONS as readonly string[]).includes(a) || /^--depth=[1-9][0-9]*$/.test(a), `unexpected option ${a} for ${url}`);
  for (const a of args.slice(dashdash + 1)) assert.ok(!a.startsWith('-'), `${JSON.stringify(a)} would be an option, for ${url}`);
  assert.ok(!/^[A-Za-z0-9+.-]+::/.test(g.repo), `remote helper transport in ${g.repo}`);
  assert.ok(['https', 'http', 'git', 'ssh', 'file'].includes(g.protocol));
  if (g.protocol === 'http' || g.protocol === 'git') assert.ok(isLoopbackUrl(g.repo), `${g.repo} travels in clear text off loopback`);
  if (g.protocol === 'https') assert.ok(g.repo.startsWith('https://'));
  if (g.ref !== undefined) assert.ok(isGitRefName(g.ref));
  assert.ok(!g.subdir.split('/').includes('..') && !g.subdir.startsWith('/'), g.subdir);
  const rev = gitCommitArgs(g, INTO);
  assert.ok(rev.indexOf('--end-of-options') === rev.length - 2 && !rev.at(-1)!.startsWith('-'));
}

test('any source URL is classified or refused with a typed error; accepted git URLs give safe git arguments', () => {
  fuzz(
    fc.property(sourceLike, fc.boolean(), (url, existsLocally) => {
      typed(() => {
        const kind = classifySource(url, existsLocally);
        if (kind === 'https') {
          const target = httpSourceUrl(url.replace(/^https?::/i, ''), url);
          assert.ok(target.protocol === 'https:' || (target.protocol === 'http:' && isLoopbackUrl(target.href)), url);
        }
      }, url);
      // Whatever the classification, parsing as git either refuses or is safe.
      typed(() => assertSafeArgs(parseGitUrl(url, '/base'), url), url);
    }),
    { numRuns: Number(process.env.VOUCH_FUZZ_RUNS ?? '') || 1000 },
  );
});

test('ref names: whatever is accepted contains nothing git-check-ref-format forbids', () => {
  fuzz(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(piece, { maxLength: 5 }).map((p) => p.join('')),
      ),
      (ref) => {
        if (!isGitRefName(ref)) return;
        assert.ok(
          !ref.startsWith('-') && !ref.startsWith('+') && !/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref) && !ref.includes('..') && !ref.includes('@{'),
          ref,
        );
      },
    ),
  );
});
