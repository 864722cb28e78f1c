// Every output format from a real run (fixture images signed by the real cosign, the example
// policies compiled by the real opa), compared with golden files after replacing what changes from
// run to run (registry port, digests, signatures, key, times) with stable placeholders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { vouch } from '../support/run-cli.ts';

const policies = fileURLToPath(new URL('../../examples/policies', import.meta.url));
const golden = (name: string): string => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
let reg: TestRegistry;
let fx: Fixtures;
before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
});
after(async () => {
  await reg.stop();
});

function normalise(text: string, fixtures: Fixtures, host: string): string {
  const digests = new Map<string, string>();
  const named: [string, string][] = [
    [fixtures.happy.digest, 'HAPPY'],
    [fixtures.unsigned.digest, 'UNSIGNED'],
    [fixtures.wrongKey.digest, 'WRONGKEY'],
  ];
  for (const [d, n] of named) digests.set(d.slice(7), n);
  return (
    text
      .split(fixtures.dir)
      .join('FIXTURES')
      .split(policies)
      .join('POLICIES')
      // The per-run key, however the format escapes its newlines (raw, \\n in JSON, &#xA; in XML).
      .replace(/-----BEGIN PUBLIC KEY-----(?:.|\n)*?-----END PUBLIC KEY-----/g, 'PUBLIC-KEY-PEM')
      .split(host)
      .join('REGISTRY')
      .replace(/[0-9a-f]{64}/g, (hex) => digests.get(hex) ?? (digests.set(hex, `DIGEST${digests.size}`), digests.get(hex)!))
      .replace(/M[A-Za-z0-9+/]{60,}={0,2}/g, 'SIGNATURE')
      .replace(/"timestamp":"\d+"/g, '"timestamp":"TIME"')
      .replace(/timestamp="[^"]+"/g, 'timestamp="TIME"')
      .replace(/\| Time \| [^|]+ \|/g, '| Time | TIME |')
  );
}

test('all formats from a real run match their golden files', async () => {
  const file = join(fx.dir, 'golden-components.yaml');
  await writeFile(
    file,
    `components:\n  - name: happy\n    containerImage: ${fx.happy.ref}\n  - name: unsigned\n    containerImage: ${fx.unsigned.ref}\n  - name: wrong-key\n    containerImage: ${fx.wrongKey.ref}\n`,
  );
  const policy = JSON.stringify({
    sources: [
      {
        name: 'release',
        policy: [policies],
        config: { include: ['@minimal', 'labels', 'future'] },
        ruleData: { required_labels: ['com.example.team', 'com.example.absent'] },
      },
    ],
  });
  const formats: [string, string][] = [
    ['json', 'json'],
    ['yaml', 'yaml'],
    ['text', 'txt'],
    ['summary', 'json'],
    ['summary-markdown', 'md'],
    ['appstudio', 'json'],
    ['junit', 'xml'],
    ['attestation', 'jsonl'],
    ['policy-input', 'jsonl'],
  ];
  const outputs = formats.map(([f, ext]) => `${f}=${join(fx.dir, `out.${f}.${ext}`)}`);
  // Run from the fixtures directory: the JUnit names the components file relative to it.
  const run = await vouch(
    [
      'validate',
      'image',
      '--images',
      file,
      '--public-key',
      fx.key.pub,
      '--ignore-rekor',
      '--policy',
      policy,
      '--info',
      '--show-successes',
      '--effective-time',
      '2026-11-01T00:00:00Z',
      '--allow-past-effective-time',
      ...outputs.flatMap((o) => ['--output', o]),
    ],
    { ...process.env, VOUCH_CACHE_DIR: join(fx.dir, 'cache-golden') },
    fx.dir,
  );
  assert.equal(run.code, 1, run.stderr);
  for (const [f, ext] of formats) {
    const text = normalise(await readFile(join(fx.dir, `out.${f}.${ext}`), 'utf8'), fx, reg.host);
    const path = golden(`real.${f}.${ext}`);
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(path, text);
    assert.equal(text, await readFile(path, 'utf8'), f);
  }
  execFileSync('xmllint', ['--noout', '--schema', fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url)), join(fx.dir, 'out.junit.xml')], {
    stdio: 'pipe',
  });
});
