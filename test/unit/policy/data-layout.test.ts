// Data sources load as ec loads them. Each expectation was first observed with the real ec v0.9.115
// (a deny rule printing the data it saw; conforma/cli a183384, OPA v1.15.2's loader).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { loadDataTree } from '../../../src/policy/data.ts';
import { codes, evaluateSource, tree } from './rules/engine-harness.ts';

test('every directory holding a data file is a data path; its sub-directories nest by name; hidden entries count', async () => {
  const dir = await tree({
    'a.yml': 'x: 1\ndup: {a: 1}\n',
    'sub/b.yml': 'y:\n  z: 1\ndup:\n  b: 2\n',
    'sub/README.md': 'not data\n',
    'only/deep/c.json': '{"w": 2}',
    '.hidden/h.yml': 'hid: 1\n',
    '.dot.yml': 'dot: 1\n',
    'upper.JSON': '{"upper": 1}',
  });
  assert.deepEqual(await loadDataTree([dir]), {
    x: 1,
    dup: { a: 1, b: 2 },
    // sub/ holds a data file, so it is a data path of its own (keys at the top) and, under the
    // source's directory, nested by name; `y` is a YAML 1.1 boolean key.
    true: { z: 1 },
    sub: { true: { z: 1 }, dup: { b: 2 } },
    w: 2,
    only: { deep: { w: 2 } },
    hid: 1,
    '.hidden': { hid: 1 },
    dot: 1,
  });
});

test('YAML data files resolve plain scalars as go-yaml v2 does (YAML 1.1); JSON files are JSON', async () => {
  const dir = await tree({
    'a.yml':
      'yesval: yes\nonval: on\nnval: n\noff: off\noctal: 0777\nhex: 0x1F\nunderscore: 1_000\neight: 08\ndate: 2024-01-01\nts: 2024-01-01T10:00:00Z\nfloat: 1.0\ntilde: ~\nsexa: 1:30\nquoted: "yes"\nhuge: 1e999\n',
    'b.json': '{"j": "yes", "k": 0.5}',
  });
  assert.deepEqual(await loadDataTree([dir]), {
    yesval: true,
    onval: true,
    nval: false,
    false: false,
    octal: 511,
    hex: 31,
    underscore: 1000,
    eight: 8,
    date: '2024-01-01',
    ts: '2024-01-01T10:00:00Z',
    float: 1,
    tilde: null,
    sexa: '1:30',
    quoted: 'yes',
    huge: '1e999',
    j: 'yes',
    k: 0.5,
  });
});

test('data ec cannot load is refused, naming the file: an empty file, NaN, a data source that is a single file', async () => {
  const empty = await tree({ 'e.yml': '# nothing\n' });
  await assert.rejects(loadDataTree([empty]), (e: unknown) => e instanceof InputError && e.code === 'DATA_SHAPE' && e.message.includes('e.yml'));
  const nan = await tree({ 'n.yml': 'n: .nan\n' });
  await assert.rejects(loadDataTree([nan]), (e: unknown) => e instanceof InputError && e.message.includes('n.yml'));
  const single = await tree({ 'rule_data.yml': 'rule_data: {a: 1}\n' });
  await assert.rejects(loadDataTree([`${single}/rule_data.yml`]), (e: unknown) => e instanceof InputError && e.code === 'DATA_SOURCE_NOT_DIRECTORY');
});

const SHOW = `package main

import rego.v1

default rdc := "UNDEF"

rdc := data.rule_data__configuration__

deny contains {"code": "main.d", "msg": json.marshal(rdc)}
`;

test('ruleData, --extra-rule-data and data files: extra values replace ruleData keys as strings, data files deep-merge; no ruleData, no key', async () => {
  const dir = await tree({ 'policy/main.rego': SHOW, 'data/rdc.yml': 'rule_data__configuration__:\n  c: 3\n  nested: {k: v}\n' });
  const msg = async (source: Parameters<typeof evaluateSource>[0], extra?: Record<string, string>): Promise<unknown> =>
    JSON.parse((await evaluateSource(source, extra ? { extraRuleData: extra } : {})).violations[0]!.msg);
  // ec: {"a":"hello","b":2,"c":3,"nested":{"k":"v"}}
  assert.deepEqual(await msg({ policy: [`${dir}/policy`], data: [`${dir}/data`], ruleData: { a: { x: 1 }, b: 2 } }, { a: 'hello' }), {
    a: 'hello',
    b: 2,
    c: 3,
    nested: { k: 'v' },
  });
  // ec: "UNDEF" without ruleData, and {"a":"hello"} with extra rule data alone.
  assert.equal(await msg({ policy: [`${dir}/policy`] }), 'UNDEF');
  assert.deepEqual(await msg({ policy: [`${dir}/policy`] }, { a: 'hello' }), { a: 'hello' });
  const clash = await tree({ 'policy/main.rego': SHOW, 'data/rdc.yml': 'rule_data__configuration__:\n  b: 3\n' });
  await assert.rejects(
    evaluateSource({ policy: [`${clash}/policy`], data: [`${clash}/data`], ruleData: { b: 2 } }),
    (e: unknown) => e instanceof InputError && /merge error/.test(e.message),
  );
  assert.deepEqual(codes((await evaluateSource({ policy: [`${dir}/policy`] })).violations), ['main.d']);
});
