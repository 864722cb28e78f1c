// The benchmark's helpers: request kinds from real proxy log lines, areas from a real V8 profile of
// dist/index.js, a repeatable fault choice, and ec's verdicts against vouch's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SCALE_SECTION,
  appendCosignLayer,
  bundleModules,
  busyByStage,
  carryBlocks,
  compareVerdicts,
  docBlocks,
  extraLines,
  faultPicker,
  keptSection,
  profileByArea,
  repeatedLines,
  requestBreakdown,
  requestKind,
  seededRandom,
  timeUnder,
  vsaRoundOrder,
  vsaTableRows,
  withBlock,
  type CpuProfile,
  type VsaRunMeasure,
} from '../../../scripts/bench-lib.ts';
import { profiledDemo } from '../../support/run-cli.ts';

const root = new URL('../../../', import.meta.url).pathname;
const hex = 'a'.repeat(64);

test('request kinds: image manifests, cosign tags, the referrers fallback tag, the API, blobs', () => {
  assert.equal(requestKind('GET /v2/bench-1/manifests/v1'), 'image manifest');
  assert.equal(requestKind(`GET /v2/org/app/manifests/sha256:${hex}`), 'image manifest');
  assert.equal(requestKind(`GET /v2/app/manifests/sha256-${hex}.sig`), '.sig manifest');
  assert.equal(requestKind(`GET /v2/app/manifests/sha256-${hex}.att`), '.att manifest');
  assert.equal(requestKind(`GET /v2/app/manifests/sha256-${hex}.sbom`), '.sbom manifest');
  assert.equal(requestKind(`GET /v2/app/manifests/sha256-${hex}`), 'referrers tag (fallback index)');
  assert.equal(requestKind(`GET /v2/app/referrers/sha256:${hex}?artifactType=x`), 'referrers API');
  assert.equal(requestKind(`GET /v2/app/blobs/sha256:${hex}`), 'blob');
  assert.equal(requestKind('GET /v2/'), 'API check');
});

test('request breakdown: per component, most frequent first', () => {
  const lines = [
    'GET /v2/a/manifests/v1',
    'GET /v2/b/manifests/v1',
    'GET /v2/a/blobs/sha256:1',
    'GET /v2/a/blobs/sha256:2',
    'GET /v2/b/blobs/sha256:3',
    'GET /v2/',
  ];
  assert.deepEqual(requestBreakdown(lines, 2), [
    { kind: 'blob', perComponent: 1.5 },
    { kind: 'image manifest', perComponent: 1 },
    { kind: 'API check', perComponent: 0.5 },
  ]);
});

test('extra and repeated requests: multisets, so a request made twice by one run and once by the other counts once', () => {
  const own = ['GET /v2/a/manifests/c0', 'GET /v2/a/manifests/x.sig', 'GET /v2/a/blobs/sha256:1'];
  const withPolicy = [
    'GET /v2/a/manifests/c0',
    'GET /v2/a/manifests/x.sig',
    'GET /v2/a/manifests/x.sig',
    'GET /v2/a/blobs/sha256:1',
    'GET /v2/a/manifests/x.sbom',
  ];
  assert.deepEqual(extraLines(own, withPolicy), ['GET /v2/a/manifests/x.sig', 'GET /v2/a/manifests/x.sbom']);
  assert.deepEqual(extraLines(withPolicy, own), []);
  assert.deepEqual(repeatedLines(withPolicy), ['GET /v2/a/manifests/x.sig']);
  assert.deepEqual(repeatedLines(['a', 'a', 'a', 'b']), ['a', 'a']);
});

test('time under a function: only samples below it, less those blocked in the wait, and its wasm part', () => {
  // Hand-made: the arithmetic on a tree whose sample times are known (a real worker profile is
  // measured by scripts/bench-scale.ts release).
  const frame = (functionName: string, url = 'file:///dist/index.js') => ({ functionName, url, lineNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 6] },
      { id: 2, callFrame: frame('onMessage'), children: [3] },
      { id: 3, callFrame: frame('evaluateWith'), children: [4, 5] },
      { id: 4, callFrame: frame('roundTrip') },
      { id: 5, callFrame: frame('opa_eval', 'wasm://wasm/opa.wasm-1') },
      { id: 6, callFrame: frame('load') },
    ],
    samples: [3, 4, 5, 5, 6, 2, 1],
    timeDeltas: [1000, 7000, 2000, 3000, 50_000, 400, 600],
  };
  assert.deepEqual(timeUnder(profile, 'evaluateWith', 'roundTrip'), { ms: 6, wasmMs: 5, waitMs: 7 });
  assert.deepEqual(timeUnder(profile, 'absent', 'roundTrip'), { ms: 0, wasmMs: 0, waitMs: 0 });
});

test('profile areas: a real CPU profile of dist/index.js is split into our layers and packages', async () => {
  const bundle = await readFile(join(root, 'dist/index.js'), 'utf8');
  const modules = bundleModules(bundle);
  const areas = new Set(modules.map(([, a]) => a));
  for (const a of ['src/oci', 'src/sigstore', 'src/policy', 'src/faces', '@sigstore/verify', 'js-yaml']) assert.ok(areas.has(a), `bundle has ${a}`);
  assert.deepEqual(
    [...modules].sort((x, y) => x[0] - y[0]),
    modules,
    'sorted by line',
  );

  const dir = await mkdtemp(join(tmpdir(), 'vouch-prof-test-'));
  await profiledDemo(dir, 'text').catch(() => undefined);
  const [file] = await readdir(dir);
  const profile = JSON.parse(await readFile(join(dir, file!), 'utf8')) as CpuProfile;
  const summary = profileByArea(profile, 'dist/index.js', modules);
  const total = summary.reduce((s, a) => s + a.share, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `shares sum to 1 (${total})`);
  assert.ok(
    summary.some((a) => a.area.startsWith('src/') || a.area === 'sigstore' || a.area.startsWith('@sigstore/')),
    JSON.stringify(summary),
  );
  for (let i = 1; i < summary.length; i++) assert.ok(summary[i - 1]!.ms >= summary[i]!.ms);
});

test('faults: the same seed picks the same faults, at about the asked rates', () => {
  const rates = { rate429: 0.2, rate500: 0.03, rateDrop: 0.02 };
  const a = faultPicker(rates, seededRandom(7));
  const b = faultPicker(rates, seededRandom(7));
  const picks = Array.from({ length: 10_000 }, () => a());
  assert.deepEqual(
    picks.slice(0, 200),
    Array.from({ length: 200 }, () => b()),
  );
  const share = (f: string): number => picks.filter((p) => p === f).length / picks.length;
  assert.ok(Math.abs(share('429') - 0.2) < 0.02, `429 ${share('429')}`);
  assert.ok(Math.abs(share('500') - 0.03) < 0.01, `500 ${share('500')}`);
  assert.ok(Math.abs(share('drop') - 0.02) < 0.01, `drop ${share('drop')}`);
});

test('the scale section of docs/benchmarks.md is kept when npm run bench rewrites the rest', () => {
  const doc = `# Benchmarks\n\ntable\n\n${SCALE_SECTION}\n\ncurve\n\n### Profile\n\nareas\n\n`;
  assert.equal(keptSection(doc, SCALE_SECTION), `\n${SCALE_SECTION}\n\ncurve\n\n### Profile\n\nareas\n`);
  assert.equal(keptSection('# Benchmarks\n\n## 10,000 components are mentioned inline\n', SCALE_SECTION), '');
  assert.equal(keptSection('', SCALE_SECTION), '');
});

test("ec's verdicts against vouch's: success, violation and warning codes per component, order aside", () => {
  const v = (name: string, success: boolean, violations: string[] = [], warnings: string[] = []) => ({
    name,
    success,
    violations: violations.map((code) => ({ metadata: { code } })),
    warnings: warnings.map((code) => ({ metadata: { code } })),
  });
  const same = compareVerdicts([v('a', false, ['x.one', 'y.two']), v('b', true)], [v('b', true), v('a', false, ['y.two', 'x.one'])]);
  assert.deepEqual(same, { compared: 2, mismatches: [] });
  const differ = compareVerdicts([v('a', false, ['x.one']), v('b', true, [], ['w']), v('c', true)], [v('a', true), v('b', true), v('d', true)]);
  assert.equal(differ.compared, 3);
  assert.deepEqual(
    differ.mismatches.map((m) => m.split(':')[0]),
    ['a', 'b', 'c', 'd'],
  );
  assert.match(differ.mismatches[0]!, /ec success=false violations=\[x\.one\].*vouch success=true violations=\[\]/);
});

test('doc blocks: one replaced in place, one appended, and a rewritten doc keeps the blocks it lacks', () => {
  const a = '<!-- bench: a -->\nA1\n<!-- /bench: a -->\n';
  const a2 = '<!-- bench: a -->\nA2 $& $1\n<!-- /bench: a -->\n';
  const b = '<!-- bench: b -->\nB\n<!-- /bench: b -->\n';
  const doc = `# T\n\n${a}\ntail\n`;
  assert.deepEqual([...docBlocks(doc).keys()], ['a']);
  assert.equal(withBlock(doc, a2), `# T\n\n${a2}\ntail\n`, 'replaced where it was, replacement patterns taken literally');
  assert.equal(withBlock(doc, b), `# T\n\n${a}\ntail\n\n${b}`);
  assert.equal(carryBlocks(`${doc}\n${b}`, '# New\n'), `# New\n\n${a}\n${b}`);
  assert.equal(carryBlocks(doc, `# New\n\n${a2}`), `# New\n\n${a2}`, 'a block the new doc has is not carried');
});

// The `.att` artefact the real cosign (v3, `cosign attest` twice, key only, no tlog) wrote for
// bench-scale's template image: its manifest and config, as the registry served them. The
// one-layer "before" is that artefact after the first `cosign attest` (go-containerregistry writes
// the same documents with one layer, one diff_id and one history entry).
const COSIGN_ATT_MANIFEST =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":342,"digest":"sha256:9e90e412f0051a368f03a470cb16f36367249dc1754f43a964de433893293d2c"},"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json","size":1241,"digest":"sha256:56996621946f71760de6857537398380285eb479b4afcbfbbbe848c08bd1df30","annotations":{"dev.cosignproject.cosign/signature":"","predicateType":"https://slsa.dev/provenance/v1"}},{"mediaType":"application/vnd.dsse.envelope.v1+json","size":569,"digest":"sha256:4d3097d79bf31452f46cc5b80b07ba383e3aa15bacf9437d17e20ae1a40e8e07","annotations":{"dev.cosignproject.cosign/signature":"","predicateType":"https://example.com/attestations/scan/v1"}}]}';
const COSIGN_ATT_CONFIG =
  '{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"},{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:56996621946f71760de6857537398380285eb479b4afcbfbbbe848c08bd1df30","sha256:4d3097d79bf31452f46cc5b80b07ba383e3aa15bacf9437d17e20ae1a40e8e07"]},"config":{}}';

test("a layer appended to cosign's .att artefact gives the documents cosign itself writes for it", () => {
  const two = JSON.parse(COSIGN_ATT_MANIFEST) as {
    config: Record<string, unknown>;
    layers: { mediaType: string; digest: string; size: number; annotations: Record<string, string> }[];
  };
  const twoConfig = JSON.parse(COSIGN_ATT_CONFIG) as { history: unknown[]; rootfs: { diff_ids: string[] } };
  const oneConfig = JSON.stringify({
    ...twoConfig,
    history: twoConfig.history.slice(0, 1),
    rootfs: { ...twoConfig.rootfs, diff_ids: twoConfig.rootfs.diff_ids.slice(0, 1) },
  });
  const one = JSON.stringify({
    ...two,
    config: { ...two.config, size: Buffer.byteLength(oneConfig), digest: `sha256:${createHash('sha256').update(oneConfig).digest('hex')}` },
    layers: two.layers.slice(0, 1),
  });
  const out = appendCosignLayer(one, oneConfig, two.layers[1]!);
  assert.equal(out.config.toString(), COSIGN_ATT_CONFIG);
  assert.equal(out.manifest.toString(), COSIGN_ATT_MANIFEST);
  assert.throws(() => appendCosignLayer(one, COSIGN_ATT_CONFIG, two.layers[1]!), /same number of layers/);
  assert.throws(() => appendCosignLayer('{"manifests":[]}', oneConfig, two.layers[1]!), /not an image manifest/);
  assert.throws(() => appendCosignLayer(one, '{"rootfs":{}}', two.layers[1]!), /rootfs\.diff_ids/);
});

test('VSA rounds: each run once per round, the warm run after its cold run, and the side that goes first alternates', () => {
  for (const round of [0, 1, 2, 3]) {
    const order = vsaRoundOrder(round);
    assert.deepEqual([...order].sort(), ['cold', 'vsa-compiled', 'vsa-empty', 'warm']);
    assert.ok(order.indexOf('cold') < order.indexOf('warm'), `round ${round}: warm after cold`);
  }
  assert.equal(vsaRoundOrder(0)[0], 'cold');
  assert.equal(vsaRoundOrder(1)[0], 'vsa-empty');
  // The compiled policy the second re-run starts from comes from a cold run already made.
  assert.ok(vsaRoundOrder(0).indexOf('cold') < vsaRoundOrder(0).indexOf('vsa-compiled'));
});

test('VSA table: one row per run kind, medians, the CPU range and requests per component', () => {
  const m = (condition: VsaRunMeasure['condition'], cpu: number, requests: number, fromVsa: number, load: number): VsaRunMeasure => ({
    condition,
    n: 1000,
    wallS: cpu * 2,
    userS: cpu - 1,
    sysS: 1,
    maxRssMiB: 200,
    requests,
    fromVsa,
    passed: 1000,
    components: 1000,
    load,
  });
  const rows = vsaTableRows([
    m('vsa-empty', 3, 4000, 1000, 5),
    m('cold', 12, 8010, 0, 3),
    m('cold', 14, 8010, 0, 7),
    m('vsa-empty', 4, 4000, 1000, 9),
    m('cold', 13, 8000, 0, 4),
  ]);
  assert.deepEqual(
    rows.map((r) => r.run),
    ['cold (empty cache, prepared images)', 'VSA re-run, empty cache'],
  );
  assert.equal(rows[0]!['CPU s (user + sys, tree)'], '13.00 (12.00–14.00)');
  assert.equal(rows[0]!['CPU ms / component'], '13.00');
  assert.equal(rows[0]!['requests / component'], '8.01');
  assert.equal(rows[0]!['load (1 min)'], '3.0–7.0');
  assert.equal(rows[1]!['CPU s (user + sys, tree)'], '3.50 (3.00–4.00)');
  assert.equal(rows[1]!['from VSA'], '1000/1000');
  assert.equal(rows[1]!['wall s'], '7.0');
  assert.equal(rows[1]!['registry CPU s'], '—', 'not measured');
  const withRegistry = vsaTableRows([
    { ...m('warm', 3, 1000, 0, 5), registryCpuS: 2.5 },
    { ...m('warm', 3, 1000, 0, 5), registryCpuS: 3.5 },
  ]);
  assert.equal(withRegistry[0]!['registry CPU s'], '3.00');
});

test('busy time by stage: the first stage a frame of the stack matches, idle left out, the rest unclaimed', () => {
  const bundle = ['#!/usr/bin/env node', '// src/oci/client.ts', 'a', '// src/sigstore/verify-vsa.ts', 'b', '// node_modules/js-yaml/dist/x.js', 'c'].join(
    '\n',
  );
  const files = bundleModules(bundle, 'file');
  assert.deepEqual(files, [
    [1, 'src/oci/client.ts'],
    [3, 'src/sigstore/verify-vsa.ts'],
    [5, 'js-yaml'],
  ]);
  const frame = (id: number, functionName: string, url: string, lineNumber: number, children: number[] = []) => ({
    id,
    callFrame: { functionName, url, lineNumber },
    children,
  });
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', 0, [2, 3, 6, 7]),
      frame(2, '(idle)', '', 0),
      frame(3, 'findImageVsas', 'file:///x/dist/index.js', 4, [4, 5]),
      frame(4, 'request', 'file:///x/dist/index.js', 2),
      frame(5, 'verifyOneShot', 'node:internal/crypto/sig', 0),
      frame(6, '(garbage collector)', '', 0),
      frame(7, 'load', 'file:///x/dist/index.js', 6),
    ],
    samples: [2, 4, 5, 5, 6, 7, 2],
    timeDeltas: [9000, 1000, 2000, 3000, 500, 1500, 9000],
  };
  const stages = [
    { name: 'requests', test: (f: { file: string }) => f.file.startsWith('src/oci/') },
    { name: 'verification', test: (f: { file: string }) => f.file.startsWith('src/sigstore/') },
    { name: 'gc', test: (f: { functionName: string }) => f.functionName === '(garbage collector)' },
  ];
  const out = busyByStage(profile, 'dist/index.js', files, stages, 'rest');
  assert.deepEqual(
    out.map((s) => [s.stage, s.ms]),
    [
      ['requests', 1],
      ['verification', 5],
      ['gc', 0.5],
      ['rest', 1.5],
    ],
    'a request below findImageVsas is a request (the earlier stage wins); a package frame is no stage',
  );
  assert.equal(
    out.reduce((a, s) => a + s.share, 0),
    1,
  );
});
