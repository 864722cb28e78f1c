// git source URLs: what reaches `git fetch` is checked first. Refs follow git-check-ref-format, no
// user value can be read as an option, and only https, ssh, loopback http/git and local repositories
// are fetched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../../src/errors.ts';
import { GIT_FETCH_OPTIONS, gitFetchArgs, isGitRefName, parseGitUrl, pinnedGitUrl } from '../../../../src/policy/sources/git-url.ts';

const refused = (code: string, url: string) => (e: unknown) => e instanceof InputError && e.code === code && e.message.includes(url);
const INTO = 'refs/vouch/fetch/0';

test('ec forms: forge shorthand, //subdir, ?ref= (carrying //subdir too) and ?depth=', () => {
  const g = parseGitUrl('github.com/conforma/policy//policy/release?ref=main&depth=1');
  assert.deepEqual(g, {
    repo: 'https://github.com/conforma/policy.git',
    protocol: 'https',
    subdir: 'policy/release',
    ref: 'main',
    depth: 1,
    display: 'github.com/conforma/policy.git',
  });
  assert.equal(pinnedGitUrl(g, 'a'.repeat(40)), `git::github.com/conforma/policy.git//policy/release?ref=${'a'.repeat(40)}`);
  assert.equal(parseGitUrl('git::https://host.example/r.git?ref=v1//lib').subdir, 'lib');
  assert.equal(parseGitUrl('git@github.com:o/r.git//p').protocol, 'ssh');
  assert.equal(parseGitUrl('git::git://127.0.0.1:9418/r.git//p?ref=main').repo, 'git://127.0.0.1:9418/r.git');
  assert.equal(parseGitUrl('git::file:///srv/repo?ref=main').protocol, 'file');
  assert.deepEqual(parseGitUrl('git::./repo', '/base'), { repo: '/base/repo', protocol: 'file', subdir: '', display: '/base/repo' });
});

test('a ref that git would read as an option is refused, naming the source', () => {
  for (const ref of [
    '--upload-pack=touch /tmp/x',
    '-x',
    '+main',
    '--',
    'a:b',
    'refs/heads/*',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a?',
    'a[',
    'a\\b',
    'x.lock',
    '.hidden',
    'a/.b',
    'a/',
    'a.',
    '@',
    'a@{1}',
    '/a',
  ]) {
    const url = `git::https://host.example/r.git?ref=${encodeURIComponent(ref)}`;
    assert.throws(() => parseGitUrl(url), refused('GIT_REF_INVALID', url), ref);
    assert.equal(isGitRefName(ref), false, ref);
  }
  for (const ref of ['main', 'v1.2.3', 'refs/heads/release-1', 'refs/pull/12/head', 'HEAD', 'a'.repeat(40), 'abc1234', 'feature/x_y', 'ümlaut']) {
    assert.equal(isGitRefName(ref), true, ref);
  }
});

test('depth must be a positive integer', () => {
  for (const depth of ['0', '-1', '1.5', 'x', '1e3', ' 1', '01', '99999999999', '1 --upload-pack=x', '']) {
    const url = `git::https://host.example/r.git?depth=${encodeURIComponent(depth)}`;
    assert.throws(() => parseGitUrl(url), refused('GIT_DEPTH_INVALID', url), depth);
  }
  assert.equal(parseGitUrl('git::https://host.example/r.git?depth=50').depth, 50);
});

test('transports that run commands or travel in clear text are refused', () => {
  const cases: [string, string][] = [
    ['git::ext::sh -c touch% /tmp/pwned', 'GIT_TRANSPORT_REFUSED'],
    ['git::fd::17', 'GIT_TRANSPORT_REFUSED'],
    ['git::EXT::sh', 'GIT_TRANSPORT_REFUSED'],
    ['git::ext://sh/x', 'GIT_TRANSPORT_REFUSED'],
    ['git::foo+bar://host/x', 'GIT_TRANSPORT_REFUSED'],
    ['git::ftp://host/x', 'GIT_TRANSPORT_REFUSED'],
    ['git::git://git.example.com/r.git', 'INSECURE_SOURCE'],
    ['git::http://git.example.com/r.git', 'INSECURE_SOURCE'],
    ['http://git.example.com/r.git', 'INSECURE_SOURCE'],
    ['HTTP://git.example.com/r.git//p?ref=main', 'INSECURE_SOURCE'],
    ['git::ssh://-oProxyCommand=touch%20x/r', 'SOURCE_URL_INVALID'],
    ['git::ssh://-oProxyCommand=x@host/r', 'SOURCE_URL_INVALID'],
    ['git@host.example:-oProxyCommand=x', 'SOURCE_URL_INVALID'],
    ['git::file://remote.example/srv/r', 'SOURCE_URL_INVALID'],
  ];
  for (const [url, code] of cases) assert.throws(() => parseGitUrl(url), refused(code, url), url);
});

test('the sub-directory stays inside the repository', () => {
  for (const url of [
    'git::https://host.example/r.git//../../etc',
    'git::https://host.example/r.git?ref=main//../x',
    'git::https://host.example/r.git//a/../../b',
    'git::https://host.example/r.git//a\\..\\b',
  ]) {
    assert.throws(() => parseGitUrl(url), refused('GIT_SUBDIR_INVALID', url), url);
  }
  assert.equal(parseGitUrl('git::https://host.example/r.git//a/./b/').subdir, 'a/b');
});

test('unknown or repeated query parameters are refused', () => {
  for (const url of [
    'git::https://host.example/r.git?ref=a&ref=b',
    'git::https://host.example/r.git?sshkey=abc',
    'git::https://host.example/r.git?upload-pack=x',
  ]) {
    assert.throws(() => parseGitUrl(url), refused('GIT_QUERY_INVALID', url), url);
  }
});

test('git fetch arguments: fixed options, then --, then the checked repository and refspec', () => {
  assert.deepEqual(gitFetchArgs(parseGitUrl('git::https://host.example/r.git?ref=main&depth=2'), INTO), [
    'fetch',
    ...GIT_FETCH_OPTIONS,
    '--depth=2',
    '--',
    'https://host.example/r.git',
    `+main:${INTO}`,
  ]);
  assert.deepEqual(gitFetchArgs(parseGitUrl('git::https://host.example/r.git'), INTO).slice(-3), ['--', 'https://host.example/r.git', `+HEAD:${INTO}`]);
  // An abbreviated commit id is looked up among every branch and tag.
  assert.deepEqual(gitFetchArgs(parseGitUrl('git::https://host.example/r.git?ref=abc1234&depth=1'), INTO).slice(-4), [
    '--',
    'https://host.example/r.git',
    '+refs/heads/*:refs/vouch/heads/*',
    '+refs/tags/*:refs/vouch/tags/*',
  ]);
});

test('a malformed percent-escape in the user part is never an untyped URIError (found by fuzzing)', () => {
  for (const url of ['%@I#"', 'git::ssh://%E0%A4%A@host.example/r', 'git::ssh://%2doProxyCommand=x@host.example/r']) {
    try {
      parseGitUrl(url);
    } catch (e) {
      assert.ok(e instanceof InputError, `${url}: ${String(e)}`);
    }
  }
  assert.throws(
    () => parseGitUrl('git::ssh://%2doProxyCommand=x@host.example/r'),
    (e: unknown) => e instanceof InputError && e.code === 'SOURCE_URL_INVALID',
  );
});
