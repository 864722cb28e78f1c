// A component reported from a VSA says so in JSON, YAML and text (which VSA, who signed it, when,
// for which policy); a component without one renders exactly as before (the golden files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComponentReport, Report, VsaEvidence } from '../../../src/model/report.ts';
import type { RenderContext } from '../../../src/model/output.ts';
import { render } from '../../../src/report/render.ts';
import { renderContext, sampleReport } from './sample.ts';

const evidence: VsaEvidence = {
  digest: `sha256:${'9'.repeat(64)}`,
  source: 'attestation layer',
  signer: `key sha256:${'8'.repeat(64)}`,
  timeVerified: '2026-12-03T10:00:00Z',
  policyDigest: `sha256:${'7'.repeat(64)}`,
  verificationResult: 'PASSED',
};
const fromVsa: ComponentReport = {
  name: 'api',
  containerImage: `quay.io/acme/api@sha256:${'3'.repeat(64)}`,
  source: {},
  success: true,
  successCount: 0,
  vsa: evidence,
};
const ctx = (report: Report): RenderContext => renderContext(report);
const single = (): Report => ({ ...sampleReport(), success: true, components: [fromVsa] });

test('JSON: the vsa field follows ec’s component fields, only on a component reported from a VSA', () => {
  const mixed = sampleReport();
  mixed.components = [...mixed.components, fromVsa];
  const doc = JSON.parse(render('json', ctx(mixed))) as { components: Record<string, unknown>[] };
  const last = doc.components.at(-1)!;
  assert.deepEqual(Object.keys(last), ['name', 'containerImage', 'source', 'success', 'vsa']);
  assert.deepEqual(last.vsa, evidence);
  assert.ok(doc.components.slice(0, -1).every((c) => !('vsa' in c)));
});

test('YAML carries the same vsa field (keys sorted, as every YAML map)', () => {
  const yaml = render('yaml', ctx(single()));
  assert.match(
    yaml,
    /\n {4}vsa:\n {6}digest: sha256:9{64}\n {6}policyDigest: sha256:7{64}\n {6}signer: key sha256:8{64}\n {6}source: attestation layer\n {6}timeVerified: '2026-12-03T10:00:00Z'\n {6}verificationResult: PASSED\n/,
  );
});

test('text: a VSA line under the component, alone or in a list', () => {
  const line = `VSA: reported from ${evidence.digest} (attestation layer), signed by ${evidence.signer}, verified 2026-12-03T10:00:00Z, policy ${evidence.policyDigest}`;
  const one = render('text', ctx(single()));
  assert.ok(one.includes(`ImageRef: ${fromVsa.containerImage}\n${line}\n\n`), one);
  const list = sampleReport();
  list.components = [fromVsa, ...list.components];
  const many = render('text', ctx(list));
  assert.ok(many.includes(`  ImageRef: ${fromVsa.containerImage}\n  ${line}\n  Violations: 0, Warnings: 0, Successes: 0\n`), many);
  assert.equal(render('text', ctx(sampleReport())).includes('VSA:'), false);
});
