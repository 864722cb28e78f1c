// Builds the signed demo that `npm start` verifies offline: a tiny image signed and attested (SLSA
// v0.2, Tekton Chains shape) by the real cosign in a throwaway loopback registry, saved with
// `cosign save` as an OCI layout, plus its public key, a components file, and the example policies
// pre-compiled into a bundle so the demo needs no opa. The private key is thrown away.
// Run: node scripts/make-demo.ts (needs the tools of scripts/install-tools.sh).
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildPolicyBundle } from '../src/policy/build.ts';
import { attest, generateKeyPair, sign } from '../test/support/cosign.ts';
import { pushImage } from '../test/support/images.ts';
import { slsaV02 } from '../test/support/predicates.ts';
import { startRegistry } from '../test/support/registry.ts';
import { toolPath } from '../test/support/tools.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const demo = join(root, 'examples', 'demo');

const reg = await startRegistry();
const work = await mkdtemp(join(tmpdir(), 'vouch-demo-'));
try {
  const key = await generateKeyPair(work, 'demo');
  const image = await pushImage(`${reg.host}/vouch-demo:v1`, {
    labels: { 'org.opencontainers.image.source': 'https://example.com/acme/widget', 'org.opencontainers.image.title': 'vouch-demo' },
  });
  await sign(work, image.pinned, key);
  await attest(work, image.pinned, key, slsaV02({ gitUrl: 'git+https://example.com/acme/widget.git' }), 'slsaprovenance');
  await rm(demo, { recursive: true, force: true });
  await mkdir(demo, { recursive: true });
  await run(toolPath('cosign'), ['save', '--dir', join(demo, 'oci-layout'), image.pinned], { env: { ...process.env, HOME: work } });
  await copyFile(key.pub, join(demo, 'cosign.pub'));
  await buildPolicyBundle('examples/policies', join(demo, 'policy-bundle.tar.gz'), { baseDir: root, cacheDir: join(work, 'cache'), env: process.env });
  await writeFile(
    join(demo, 'components.yaml'),
    `# The demo snapshot: one component, an image saved as an OCI layout (no registry needed).\napplication: vouch-demo\ncomponents:\n  - name: widget\n    containerImage: oci:examples/demo/oci-layout@${image.digest}\n    source:\n      git:\n        url: https://example.com/acme/widget\n        revision: a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\n`,
  );
  await writeFile(
    join(demo, 'policy.yaml'),
    `# The demo policy: the example policies of examples/policies, pre-compiled (vouch policy build).\nsources:\n  - name: release\n    policy:\n      - examples/demo/policy-bundle.tar.gz\n    ruleData:\n      allowed_builder_ids:\n        - https://tekton.dev/chains/v2\n    config:\n      include:\n        - "@minimal"\n        - "@release"\n`,
  );
  console.log(`demo written to ${demo} (image ${image.digest})`);
} finally {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
}
