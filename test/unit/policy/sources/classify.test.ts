// Source URL classification: schemes compared case-insensitively, blanks and control characters
// refused, loopback meaning literal loopback addresses only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../../src/errors.ts';
import { classifySource, httpSourceUrl, isLoopbackUrl } from '../../../../src/policy/sources/classify.ts';

const refused = (code: string) => (e: unknown) => e instanceof InputError && e.code === code;

test('plain http to a non-loopback host is refused whatever the case of the scheme', () => {
  for (const url of [
    'HTTP://policies.example.com/p.tar.gz',
    'Http://policies.example.com/p.tar.gz',
    'https::HTTP://policies.example.com/p.tar.gz',
    'GIT::Http://github.com/o/r',
    'HTTP://github.com/o/r',
  ]) {
    assert.throws(() => classifySource(url, false), refused('INSECURE_SOURCE'), url);
  }
});

test('a source URL with surrounding blanks or control characters is refused, not trimmed', () => {
  for (const url of [
    ' http://policies.example.com/p.tar.gz',
    'https:: http://policies.example.com/p.tar.gz',
    'https://policies.example.com/p.tar.gz ',
    'ht\ttp://policies.example.com/p',
    'https://h/p\n',
    '\u0000/etc',
    '',
  ]) {
    assert.throws(() => classifySource(url, false), refused('SOURCE_URL_INVALID'), JSON.stringify(url));
  }
});

test('upper-case schemes and getters classify like lower-case ones', () => {
  assert.equal(classifySource('HTTPS://policies.example.com/p.tar.gz', false), 'https');
  assert.equal(classifySource('HTTPS://GitHub.com/o/r', false), 'git');
  assert.equal(classifySource('GIT::https://host.example/r.git', false), 'git');
  assert.equal(classifySource('OCI::quay.io/o/r:1', false), 'oci');
  assert.equal(classifySource('OCI://quay.io/o/r:1', false), 'oci');
  assert.equal(classifySource('FILE:///x', false), 'file');
});

test('https:: must wrap an http(s) URL; unknown getters are refused', () => {
  assert.throws(() => classifySource('https::file:///etc/passwd', false), refused('SOURCE_URL_INVALID'));
  assert.throws(() => classifySource('ext::sh -c true', false), refused('UNKNOWN_SOURCE_TYPE'));
  assert.throws(() => classifySource('s3::https://bucket/x', false), refused('UNKNOWN_SOURCE_TYPE'));
});

test('loopback is a literal loopback address, not a host name that starts with 127.', () => {
  assert.equal(isLoopbackUrl('http://127.0.0.1:8080/x'), true);
  assert.equal(isLoopbackUrl('http://127.1.2.3/x'), true);
  assert.equal(isLoopbackUrl('http://[::1]:80/x'), true);
  assert.equal(isLoopbackUrl('http://LOCALHOST/x'), true);
  assert.equal(isLoopbackUrl('http://127.0.0.1.nip.io/x'), false);
  assert.equal(isLoopbackUrl('http://127.evil.example/x'), false);
  assert.equal(isLoopbackUrl('http://localhost.evil.example/x'), false);
  assert.throws(() => classifySource('http://127.0.0.1.nip.io/p.tar.gz', false), refused('INSECURE_SOURCE'));
});

test('every https hop is checked: http only to loopback, nothing but http(s)', () => {
  assert.equal(httpSourceUrl('https://h.example/p').href, 'https://h.example/p');
  assert.equal(httpSourceUrl('http://127.0.0.1:1/p').protocol, 'http:');
  assert.throws(
    () => httpSourceUrl('http://h.example/p', 'https://a.example/x', 'https://b.example/y'),
    (e: unknown) =>
      refused('INSECURE_SOURCE')(e) &&
      (e as Error).message.includes('http://h.example/p (policy source https://a.example/x redirected there from https://b.example/y)'),
  );
  assert.throws(() => httpSourceUrl('file:///etc/passwd'), refused('SOURCE_URL_INVALID'));
  assert.throws(() => httpSourceUrl('not a url'), refused('SOURCE_URL_INVALID'));
});

test('a source URL carrying credentials is refused, and the message never shows them', () => {
  const SECRET = 'ghp_s3cr3tT0k3n';
  for (const url of [
    `git::https://x-access-token:${SECRET}@github.com/org/policy.git//release?ref=main`,
    `https://${SECRET}@github.com/org/policy`,
    `https://user:${SECRET}@policies.example.com/p.tar.gz`,
    `GIT::HTTPS://${SECRET}@host.example/r.git`,
    `git::ssh://git:${SECRET}@host.example/r.git`,
    `https://user:${SECRET}@policies.example.com/p.tar.gz `,
  ]) {
    assert.throws(
      () => classifySource(url, false),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'SOURCE_URL_CREDENTIALS' &&
        !e.message.includes(SECRET) &&
        !JSON.stringify(e.value).includes(SECRET) &&
        e.message.includes('***@'),
      url,
    );
  }
  // An ssh user name is no secret.
  assert.equal(classifySource('git::ssh://git@host.example/r.git', false), 'git');
  assert.equal(classifySource('git@github.com:org/policy.git', false), 'git');
});
