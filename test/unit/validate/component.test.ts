// The per-component guard: whatever goes wrong inside one component's own work fails that component
// with the error's message (never a pass, never the run), while the run's own failures (its policy,
// its environment) still stop the run with their exit codes. The image is real, in the hostile
// registry; the verification steps are replaced by ones that fail the way a bug would, since real
// inputs no longer reach such paths (the OCI layer types them first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, InputError } from '../../../src/errors.ts';
import { RegistryClient } from '../../../src/oci/client.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import type { AttestationCheck, SignatureCheck } from '../../../src/sigstore/types.ts';
import { validateComponent, type ComponentDeps, type PlannedComponent } from '../../../src/validate/component.ts';
import { startHostileRegistry, type HostileRegistry } from '../../support/hostile-registry.ts';

let registry: HostileRegistry;
let digest: string;
before(async () => {
  registry = await startHostileRegistry();
  digest = registry.putImage('app', 'v1');
});
after(() => registry.close());

const verified: SignatureCheck = { ok: true, signatures: [], errors: [], noneFound: false };
const attested: AttestationCheck = {
  ok: true,
  attestations: [{ statement: { _type: 'https://in-toto.io/Statement/v0.1', subject: [], predicateType: 'x', predicate: {} }, signatures: [] }],
  errors: [],
  noneFound: false,
};

function deps(overrides: Partial<ComponentDeps>): ComponentDeps {
  const client = new RegistryClient({ retry: { retries: 0 } });
  return {
    sourceFor: () => client,
    verifySignatures: () => Promise.resolve(verified),
    verifyAttestations: () => Promise.resolve(attested),
    imageInfo: () => Promise.resolve({}),
    mode: { kind: 'key', publicKey: '', ignoreTlog: true },
    ready: () => Promise.reject(new Error('not reached in these tests')),
    info: false,
    showSuccesses: false,
    effectiveTime: { kind: 'now' },
    now: new Date(),
    log: () => undefined,
    ...overrides,
  };
}

const planned = (): PlannedComponent => ({
  component: { name: 'app', containerImage: `${registry.host}/app:v1` },
  ref: parseReference(`${registry.host}/app:v1`),
});

test('a bug in one step (a TypeError) fails the component with its message, pinned, never a pass', async () => {
  const bug = (): Promise<never> => Promise.reject(new TypeError("Cannot read properties of null (reading 'length')"));
  for (const step of ['verifySignatures', 'verifyAttestations', 'imageInfo'] as const) {
    const logged: string[] = [];
    const { report } = await validateComponent(planned(), deps({ [step]: bug, log: (m) => logged.push(m) }));
    assert.equal(report.success, false, step);
    assert.equal(report.containerImage, `${registry.host}/app@${digest}`, 'the digest is reported');
    assert.deepEqual(report.violations, [
      { msg: "Image could not be validated: Cannot read properties of null (reading 'length')", metadata: { code: 'builtin.image.accessible' } },
    ]);
    assert.deepEqual(report.infrastructureError, { code: 'INTERNAL', message: "Cannot read properties of null (reading 'length')" });
    assert.match(logged.join('\n'), /internal error validating .*TypeError/s, 'the stack goes to the debug log only');
  }
});

test("the run's own failures still stop the run: its policy, its environment, its configuration", async () => {
  const policyError = new InputError('POLICY_SCHEMA', 'policy.sources[0]: bad');
  await assert.rejects(validateComponent(planned(), deps({ ready: () => Promise.reject(policyError) })), (e) => e === policyError);
  const noRoot = new EnvironmentError('TRUST_ROOT_MISSING', 'no trust root');
  await assert.rejects(validateComponent(planned(), deps({ verifySignatures: () => Promise.reject(noRoot) })), (e) => e === noRoot);
  // A plain error from the policy load is the run's too, not this component's.
  const compile = new Error('opa crashed');
  await assert.rejects(validateComponent(planned(), deps({ ready: () => Promise.reject(compile) })), (e) => e === compile);
});
