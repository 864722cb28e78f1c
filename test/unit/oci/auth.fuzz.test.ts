// Docker and podman config files: any text is a config of the documented shape or an InputError
// naming the file and field, and no message ever quotes a credential from the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { parseDockerConfig } from '../../../src/oci/auth.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const PATH = '/home/u/.docker/config.json';

function parsedOrRefused(text: string) {
  try {
    return parseDockerConfig(text, PATH);
  } catch (err) {
    assert.ok(err instanceof InputError && err.code === 'INVALID_REGISTRY_AUTH_FILE', `untyped or wrong error: ${String(err)}`);
    assert.ok(err.message.startsWith(`${PATH}: `), err.message);
    return err;
  }
}

const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/);
const junk = fc.oneof(fc.anything(), fc.constantFrom(null, 5, [], {}, '../x', 'a/b'));

/** A config holding `password`, with one field perhaps replaced by junk, perhaps truncated. */
const config = fc
  .record({
    password: secret,
    host: fc.constantFrom('ghcr.io', 'https://index.docker.io/v1/', '127.0.0.1:5000', '__proto__'),
    field: fc.constantFrom('auths', 'auth', 'username', 'password', 'identitytoken', 'credHelpers', 'credsStore', 'none'),
    value: junk,
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ password, host, field, value, cut }) => {
    const entry: Record<string, unknown> = { auth: Buffer.from(`robot:${password}`).toString('base64'), username: 'robot', password };
    const doc: Record<string, unknown> = { auths: { [host]: entry }, credHelpers: { 'gcr.io': 'gcloud' }, credsStore: 'desktop' };
    if (field === 'auths' || field === 'credHelpers' || field === 'credsStore') doc[field] = value;
    else if (field !== 'none') entry[field] = value;
    const text = JSON.stringify(doc);
    return { password, text: cut === undefined ? text : text.slice(0, cut % (text.length + 1)) };
  });

test('any text is a documented config or an InputError naming the file', () => {
  fuzz(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => (JSON.stringify(v) as string | undefined) ?? ''),
      ),
      (text) => void parsedOrRefused(text),
    ),
  );
});

test('a refused config never quotes its credentials', () => {
  let refused = 0;
  fuzz(
    fc.property(config, ({ password, text }) => {
      const out = parsedOrRefused(text);
      if (!(out instanceof InputError)) return;
      refused++;
      assert.ok(!out.message.includes(password) && !out.message.includes(Buffer.from(`robot:${password}`).toString('base64').slice(0, 12)), out.message);
    }),
  );
  assert.ok(refused > 0, 'the generator reaches refusals');
});

test('credential helper names are program names, never paths', () => {
  for (const helper of ['../../tmp/evil', '/usr/bin/x', 'a b', '-rf', '']) {
    const out = parsedOrRefused(JSON.stringify({ credHelpers: { 'ghcr.io': helper } }));
    assert.ok(out instanceof InputError, helper);
    assert.match(out.message, /credHelpers\["ghcr\.io"\] is not a credential helper name/);
  }
  const ok = parsedOrRefused(JSON.stringify({ credsStore: 'desktop', credHelpers: { 'ghcr.io': 'gh.cli_2-x' } }));
  assert.ok(!(ok instanceof InputError));
  assert.deepEqual(ok, { auths: {}, credHelpers: { 'ghcr.io': 'gh.cli_2-x' }, credsStore: 'desktop' });
});
