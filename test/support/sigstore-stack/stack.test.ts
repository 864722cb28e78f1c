import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRegistry } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { inPrivateNetworkNamespace } from './services.ts';
import { startSigstoreStack } from './stack.ts';

const run = promisify(execFile);

test(
  'keyless signing with the real cosign against the loopback Fulcio (SCT from the CT log) and TSA verifies with the real cosign, SCT checked',
  { skip: inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs tests under unshare --net)' },
  async () => {
    const stack = await startSigstoreStack();
    const reg = await startRegistry();
    try {
      await run(toolPath('crane'), ['append', '-f', '/dev/null', '-t', `${reg.host}/app:v1`]);
      const digest = (await run(toolPath('crane'), ['digest', `${reg.host}/app:v1`])).stdout.trim();
      const image = `${reg.host}/app@${digest}`;
      const token = stack.issuers.kubernetes.mint({
        sub: 'system:serviceaccount:default:default',
        'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: '1' } },
      });
      const env = { ...process.env, HOME: stack.dir };
      await run(
        toolPath('cosign'),
        [
          'sign',
          '--yes',
          '--fulcio-url',
          stack.fulcioUrl,
          '--identity-token',
          token,
          '--timestamp-server-url',
          `${stack.tsaUrl}/api/v1/timestamp`,
          '--tlog-upload=false',
          '--new-bundle-format=false',
          '--use-signing-config=false',
          '--trusted-root',
          stack.trustedRootPath,
          image,
        ],
        { env },
      );
      const verify = (identity: string) =>
        run(
          toolPath('cosign'),
          [
            'verify',
            '--certificate-identity',
            identity,
            '--certificate-oidc-issuer',
            stack.issuers.kubernetes.url,
            '--trusted-root',
            stack.trustedRootPath,
            '--insecure-ignore-tlog',
            '--use-signed-timestamps',
            image,
          ],
          { env },
        );
      const ok = await verify('https://kubernetes.io/namespaces/default/serviceaccounts/default');
      assert.match(ok.stdout, new RegExp(digest));
      await assert.rejects(verify('https://kubernetes.io/namespaces/other/serviceaccounts/default'), /none of the expected identities matched/);
    } catch (err) {
      throw new Error(`${String(err)}\n${stack.logs().slice(-4000)}`);
    } finally {
      await reg.stop();
      await stack.stop();
    }
  },
);

test(
  'key-based signing uploaded to the loopback Rekor (Trillian + MariaDB) verifies offline from its SET with the real cosign',
  { skip: inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs tests under unshare --net)' },
  async () => {
    const stack = await startSigstoreStack({ rekor: true });
    const reg = await startRegistry();
    try {
      await run(toolPath('crane'), ['append', '-f', '/dev/null', '-t', `${reg.host}/keyed:v1`]);
      const digest = (await run(toolPath('crane'), ['digest', `${reg.host}/keyed:v1`])).stdout.trim();
      const image = `${reg.host}/keyed@${digest}`;
      const env = { ...process.env, HOME: stack.dir, COSIGN_PASSWORD: '' };
      await run(toolPath('cosign'), ['generate-key-pair', '--output-key-prefix', `${stack.dir}/k`], { env });
      await run(
        toolPath('cosign'),
        [
          'sign',
          '--yes',
          '--key',
          `${stack.dir}/k.key`,
          '--rekor-url',
          stack.rekor!.url,
          '--tlog-upload=true',
          '--new-bundle-format=false',
          '--use-signing-config=false',
          '--trusted-root',
          stack.trustedRootPath,
          image,
        ],
        { env },
      );
      const manifest = JSON.parse((await run(toolPath('crane'), ['manifest', `${reg.host}/keyed:${digest.replace(':', '-')}.sig`])).stdout) as {
        layers: { annotations: Record<string, string> }[];
      };
      const bundle = JSON.parse(manifest.layers[0]!.annotations['dev.sigstore.cosign/bundle']!) as { Payload: { logIndex: number } };
      assert.equal(typeof bundle.Payload.logIndex, 'number');
      const ok = await run(toolPath('cosign'), ['verify', '--key', `${stack.dir}/k.pub`, '--trusted-root', stack.trustedRootPath, '--offline', image], { env });
      assert.match(ok.stdout, new RegExp(digest));
    } catch (err) {
      throw new Error(`${String(err)}\n${stack.logs().slice(-4000)}`);
    } finally {
      await reg.stop();
      await stack.stop();
    }
  },
);
