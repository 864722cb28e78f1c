// A realistic report model for format tests: a failing multi-component snapshot with terms, list
// terms, warnings, successes with --info metadata, an inaccessible image and an infrastructure error.
import type { RenderContext } from '../../../src/model/output.ts';
import type { Report } from '../../../src/model/report.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

export const createdAt = new Date('2026-11-20T10:00:00Z');

/** What rendering `report` needs, at `createdAt`, without colour, successes or the docs link; `over` changes any of it. */
export const renderContext = (report: Report, over: Partial<RenderContext> = {}): RenderContext => ({
  report,
  policyInputs: [],
  createdAt,
  color: false,
  showSuccesses: false,
  showWarnings: true,
  showPolicyDocsLink: false,
  ...over,
});

export function sampleReport(): Report {
  return {
    success: false,
    components: [
      {
        name: 'web',
        containerImage: `quay.io/acme/web@${D2}`,
        source: { git: { url: 'https://example.com/acme/web', revision: 'abc' } },
        violations: [
          {
            msg: 'Builder ID "https://evil.example" is not in the allowed list ["https://tekton.dev/chains/v2"]',
            metadata: {
              code: 'builder.allowed',
              collections: ['minimal'],
              description:
                'The builder is allowed. To exclude this rule add "builder.allowed:https://evil.example" to the `exclude` section of the policy configuration.',
              solution: 'Build on a trusted builder.',
              term: 'https://evil.example',
              title: 'Builder is allowed',
            },
          },
          { msg: 'Materials are not pinned', metadata: { code: 'slsa_source.pinned', term: ['a', 'b'] } },
        ],
        warnings: [{ msg: 'The image has no "com.example.team" label', metadata: { code: 'labels.required', term: 'com.example.team' } }],
        successes: [
          {
            msg: 'Pass',
            metadata: {
              code: 'builtin.attestation.signature_check',
              description: 'The attestation signature matches available signing materials.',
              title: 'Attestation signature check passed',
            },
          },
          {
            msg: 'Pass',
            metadata: {
              code: 'builtin.image.signature_check',
              description: 'The image signature matches available signing materials.',
              title: 'Image signature check passed',
            },
          },
        ],
        success: false,
        signatures: [{ keyid: '', sig: 'MEUCIQD=' }],
        attestations: [
          {
            type: 'https://in-toto.io/Statement/v0.1',
            predicateType: 'https://slsa.dev/provenance/v0.2',
            predicateBuildType: 'tekton.dev/v1beta1/PipelineRun',
            signatures: [{ keyid: '', sig: 'MEYCIQC=' }],
          },
        ],
        successCount: 5,
      },
      {
        name: 'api',
        containerImage: 'quay.io/acme/api:v1',
        source: {},
        violations: [
          { msg: 'Image URL is not accessible: GET https://quay.io/v2/acme/api/manifests/v1: UNREACHABLE', metadata: { code: 'builtin.image.accessible' } },
        ],
        success: false,
        successCount: 0,
        infrastructureError: { code: 'UNREACHABLE', message: 'GET https://quay.io/v2/acme/api/manifests/v1: UNREACHABLE' },
      },
      {
        name: 'worker',
        containerImage: `quay.io/acme/worker@${D1}`,
        source: {},
        successes: [{ msg: 'Pass', metadata: { code: 'builtin.image.signature_check' } }],
        success: true,
        successCount: 3,
      },
    ],
    key: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
    policy: {
      sources: [{ name: 'release', policy: ['git::github.com/acme/policy//policy?ref=0123'], config: { include: ['@minimal'] } }],
      publicKey: 'cosign.pub',
    },
    'ec-version': 'v0.1.0',
    'effective-time': '2026-11-20T10:00:00Z',
  };
}
