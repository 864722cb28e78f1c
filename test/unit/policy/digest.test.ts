// The policy content digest a VSA names: loaded by vouch's engine from local sources compiled by the
// real opa. It follows the content the verdicts depend on (a rule file, a data file, ruleData,
// --extra-rule-data, include/exclude, the signer settings) and nothing else: not the directory the
// policy sits in, not the effective time, not a second load.
import { NO_SIGNER } from '../../support/sigstore-opts.ts';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { PolicySource } from '../../../src/model/policy-spec.ts';
import { InputError, VouchError } from '../../../src/errors.ts';
import { buildPolicyBundle } from '../../../src/policy/build.ts';
import { loadPolicy, preparePolicy } from '../../../src/policy/engine.ts';
import type { PolicyLoadOptions, SigstoreOpts } from '../../../src/policy/types.ts';
import { toolPath } from '../../support/tools.ts';
import { tree } from './rules/engine-harness.ts';

const REGO = `package main

import rego.v1

# METADATA
# custom:
#   short_name: allowed
deny contains result if {
  some x in data.rule_data__configuration__.allowed
  x == "forbidden"
  result := {"code": "main.allowed", "msg": "forbidden"}
}
`;

const SIGSTORE: SigstoreOpts = NO_SIGNER;

const cacheDir = await mkdtemp(join(tmpdir(), 'vouch-digest-cache-'));
const dirs: string[] = [cacheDir];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function policyDir(files: Record<string, string>): Promise<string> {
  const dir = await tree(files);
  dirs.push(dir);
  return dir;
}

interface Load {
  source: PolicySource;
  extraRuleData?: Record<string, string>;
  sigstoreOpts?: SigstoreOpts;
  effectiveTime?: Date;
  configuration?: { include?: string[] };
}

function loadOptions(l: Load): PolicyLoadOptions {
  return {
    spec: { sources: [l.source], ...(l.configuration ? { configuration: l.configuration } : {}) },
    effectiveTime: l.effectiveTime ?? new Date('2026-06-01T00:00:00Z'),
    info: false,
    showSuccesses: false,
    extraRuleData: l.extraRuleData ?? {},
    sigstoreOpts: l.sigstoreOpts ?? SIGSTORE,
    opaPath: toolPath('opa'),
    cacheDir,
    env: process.env,
    baseDir: tmpdir(),
  };
}

/** No opa anywhere: preparing a policy must not need it. */
const NO_OPA = { opaPath: join(tmpdir(), 'vouch-no-such-opa'), env: { PATH: '/nonexistent' } };

/**
 * The digest of a policy, taken both ways, which must agree: from the sources alone
 * (preparePolicy, with no opa to run) and from the policy compiled by the real opa and loaded into
 * its workers (loadPolicy), the path a run that evaluates takes.
 */
async function digestOf(l: Load): Promise<string> {
  const prepared = await preparePolicy({ ...loadOptions(l), ...NO_OPA });
  const evaluator = await loadPolicy(loadOptions(l));
  await evaluator.close();
  assert.match(evaluator.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(prepared.digest, evaluator.digest, "the digest without compiling is the compiled policy's");
  return evaluator.digest;
}

const policy = await policyDir({ 'policy/main.rego': REGO, 'data/d.json': '{"numbers": [1, 2]}' });
const base: PolicySource = { name: 'default', policy: [join(policy, 'policy')], data: [join(policy, 'data')], ruleData: { allowed: ['a'] } };
const reference = await digestOf({ source: base });

test('the digest is the one VSAs already carry: pinned values, taken before the digest could be had without compiling', async () => {
  // Taken with loadPolicy at db6d592 (opa compiled the policy); a change here strands every VSA made before it.
  assert.equal(reference, 'sha256:7eca785daa0a6c3b2b9f089233aa8bf199691b65a17db8515a98eec9b3ccf8e3');
  const other = await digestOf({
    source: { ...base, config: { include: ['main.allowed'] } },
    extraRuleData: { other: 'x' },
    configuration: { include: ['@minimal'] },
  });
  assert.equal(other, 'sha256:284622a39db4e541b50dcd27ae8b0b3b04f5fef7a22cbf20d609314785b7f181');
});

test('preparing a policy compiles nothing; what opa would refuse before compiling is refused all the same', async () => {
  // Without opa, a prepared policy has its digest; loading it is when opa is looked for.
  const prepared = await preparePolicy({ ...loadOptions({ source: base }), ...NO_OPA });
  assert.equal(prepared.digest, reference);
  await assert.rejects(prepared.load(), (e: unknown) => e instanceof VouchError && e.exitCode === 3);
  const noRules = await policyDir({ 'p/main.rego': 'package main\n\nallow := true\n' });
  await assert.rejects(
    preparePolicy({ ...loadOptions({ source: { policy: [join(noRules, 'p')] } }), ...NO_OPA }),
    (e: unknown) => e instanceof InputError && e.code === 'POLICY_NO_RULES',
  );
  const boolDeny = await policyDir({ 'p/main.rego': 'package main\n\nimport rego.v1\n\ndeny if true\n' });
  await assert.rejects(
    preparePolicy({ ...loadOptions({ source: { policy: [join(boolDeny, 'p')] } }), ...NO_OPA }),
    (e: unknown) => e instanceof InputError && e.code === 'UNSUPPORTED_RULE_VALUE',
  );
});

test('two loads of the same policy give the same digest; the effective time and the source name do not count', async () => {
  assert.equal(await digestOf({ source: base }), reference);
  assert.equal(await digestOf({ source: { ...base, name: 'renamed' }, effectiveTime: new Date('2030-01-01T00:00:00Z') }), reference);
});

test('the same content in another directory gives the same digest (content, not path)', async () => {
  const copy = await mkdtemp(join(tmpdir(), 'vouch-digest-copy-'));
  dirs.push(copy);
  await cp(policy, copy, { recursive: true });
  assert.equal(await digestOf({ source: { ...base, policy: [join(copy, 'policy')], data: [join(copy, 'data')] } }), reference);
});

test("a local rule file's changed content changes the digest", async () => {
  const changed = await policyDir({ 'policy/main.rego': REGO.replace('"forbidden"', '"banned"'), 'data/d.json': '{"numbers": [1, 2]}' });
  assert.notEqual(await digestOf({ source: { ...base, policy: [join(changed, 'policy')], data: [join(changed, 'data')] } }), reference);
  // The same directory, its file rewritten between two loads.
  const dir = await policyDir({ 'policy/main.rego': REGO, 'data/d.json': '{"numbers": [1, 2]}' });
  const source = { ...base, policy: [join(dir, 'policy')], data: [join(dir, 'data')] };
  assert.equal(await digestOf({ source }), reference);
  await writeFile(join(dir, 'policy/main.rego'), `${REGO}\n# a comment is content too\n`);
  assert.notEqual(await digestOf({ source }), reference);
});

test("a data file's changed content changes the digest", async () => {
  const dir = await policyDir({ 'policy/main.rego': REGO, 'data/d.json': '{"numbers": [1, 3]}' });
  assert.notEqual(await digestOf({ source: { ...base, policy: [join(dir, 'policy')], data: [join(dir, 'data')] } }), reference);
});

test('ruleData and --extra-rule-data change the digest', async () => {
  const byRuleData = await digestOf({ source: { ...base, ruleData: { allowed: ['b'] } } });
  const byExtra = await digestOf({ source: base, extraRuleData: { other: 'x' } });
  const withoutRuleData = await digestOf({ source: { name: base.name!, policy: base.policy!, data: base.data! } });
  assert.equal(new Set([reference, byRuleData, byExtra, withoutRuleData]).size, 4);
  // The digest covers ruleData after --extra-rule-data: the same effective rule data, however set, is the same digest.
  assert.equal(
    await digestOf({ source: { ...base, ruleData: { allowed: 'x' } } }),
    await digestOf({ source: { ...base, ruleData: {} }, extraRuleData: { allowed: 'x' } }),
  );
});

test('include/exclude and the signer settings the policy sees change the digest', async () => {
  const digests = [
    reference,
    await digestOf({ source: { ...base, config: { include: ['main.allowed'] } } }),
    await digestOf({ source: { ...base, config: { exclude: ['main.allowed'] } } }),
    await digestOf({ source: base, configuration: { include: ['@minimal'] } }),
    await digestOf({ source: base, sigstoreOpts: { ...SIGSTORE, public_key: '-----BEGIN PUBLIC KEY-----\nother\n-----END PUBLIC KEY-----\n' } }),
    await digestOf({ source: base, sigstoreOpts: { ...SIGSTORE, certificate_identity: 'https://ci.example/build' } }),
  ];
  assert.equal(new Set(digests).size, digests.length);
});

test("a pre-compiled bundle's content is the digest's: the same bundle anywhere is one digest, another rule another", async () => {
  const build = async (rego: string): Promise<string> => {
    const src = await policyDir({ 'main.rego': rego });
    const out = join(src, 'bundle.tar.gz');
    await buildPolicyBundle(src, out, { baseDir: src, cacheDir, env: process.env, opaPath: toolPath('opa') });
    return out;
  };
  const a = await build(REGO);
  const other = await build(REGO.replace('"forbidden"', '"banned"'));
  const copy = join(await policyDir({}), 'copied.tar.gz');
  await cp(a, copy);
  const of = (bundle: string) => digestOf({ source: { policy: [bundle], ruleData: { allowed: ['a'] } } });
  assert.equal(await of(a), await of(copy));
  assert.notEqual(await of(a), await of(other));
  // A bundle is not its Rego compiled on the spot (the module differs): another digest.
  assert.notEqual(await of(a), await digestOf({ source: { policy: [join(policy, 'policy')], ruleData: { allowed: ['a'] } } }));
});
