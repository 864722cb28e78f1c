import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRegistry } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { inPrivateNetworkNamespace } from './services.ts';
import { startSigstoreStack } from './stack.ts';

const run = promisify(execFile);

test('keyless signing with the real cosign against the loopback Fulcio and TSA verifies with the real cosign', { skip: inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs tests under unshare --net)' }, async () => {
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
    await run(toolPath('cosign'), [
      'sign', '--yes', '--fulcio-url', stack.fulcioUrl, '--identity-token', token,
      '--timestamp-server-url', `${stack.tsaUrl}/api/v1/timestamp`, '--tlog-upload=false',
      '--new-bundle-format=false', '--use-signing-config=false', '--trusted-root', stack.trustedRootPath, image,
    ], { env });
    const verify = (identity: string) =>
      run(toolPath('cosign'), [
        'verify', '--certificate-identity', identity, '--certificate-oidc-issuer', stack.issuers.kubernetes.url,
        '--trusted-root', stack.trustedRootPath, '--insecure-ignore-tlog', '--insecure-ignore-sct', '--use-signed-timestamps', image,
      ], { env });
    const ok = await verify('https://kubernetes.io/namespaces/default/serviceaccounts/default');
    assert.match(ok.stdout, new RegExp(digest));
    await assert.rejects(verify('https://kubernetes.io/namespaces/other/serviceaccounts/default'), /none of the expected identities matched/);
  } catch (err) {
    throw new Error(`${String(err)}\n${stack.logs().slice(-4000)}`);
  } finally {
    await reg.stop();
    await stack.stop();
  }
});
