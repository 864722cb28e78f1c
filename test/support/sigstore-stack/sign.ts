// Signs and attests images with the real cosign against the loopback stack: keyless (Fulcio + TSA,
// optionally Rekor), key + Rekor, legacy tags or cosign v3 bundles.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../tools.ts';
import type { SigstoreStack } from './stack.ts';

const run = promisify(execFile);

export type TestIdentity = 'email' | 'kubernetes' | 'github';

export interface IdentityInfo {
  token: string;
  /** The SAN Fulcio puts in the certificate. */
  san: string;
  issuer: string;
}

/** Mints a token for one of the test identities and says which SAN Fulcio will certify. */
export function identityToken(stack: SigstoreStack, kind: TestIdentity): IdentityInfo {
  switch (kind) {
    case 'email':
      return {
        token: stack.issuers.email.mint({ sub: 'release-bot', email: 'release-bot@example.com', email_verified: true }),
        san: 'release-bot@example.com',
        issuer: stack.issuers.email.url,
      };
    case 'kubernetes':
      return {
        token: stack.issuers.kubernetes.mint({
          sub: 'system:serviceaccount:build:signer',
          'kubernetes.io': { namespace: 'build', serviceaccount: { name: 'signer', uid: '7' } },
        }),
        san: 'https://kubernetes.io/namespaces/build/serviceaccounts/signer',
        issuer: stack.issuers.kubernetes.url,
      };
    case 'github': {
      const repo = 'acme/widget';
      const workflow = `${repo}/.github/workflows/release.yml@refs/heads/main`;
      return {
        token: stack.issuers.github.mint({
          sub: `repo:${repo}:ref:refs/heads/main`,
          job_workflow_ref: workflow,
          job_workflow_sha: 'a'.repeat(40),
          sha: 'a'.repeat(40),
          event_name: 'push',
          repository: repo,
          repository_id: '1001',
          repository_owner: 'acme',
          repository_owner_id: '2002',
          repository_visibility: 'public',
          workflow: 'release',
          workflow_ref: workflow,
          workflow_sha: 'a'.repeat(40),
          ref: 'refs/heads/main',
          runner_environment: 'github-hosted',
          run_id: '42',
          run_attempt: '1',
        }),
        san: `https://github.com/${workflow}`,
        issuer: stack.issuers.github.url,
      };
    }
  }
}

export interface SignOptions {
  identity?: TestIdentity;
  /** Key-based signing with this cosign key file instead of keyless. */
  key?: string;
  /** Upload to the stack's Rekor v1 (needs `startSigstoreStack({ rekor: true })`). */
  rekor?: boolean;
  /**
   * Sign through the stack's signing config instead: Rekor v2 and the TSA (needs `rekorV2: true`).
   * cosign then writes bundles whatever the format flag says.
   */
  rekorV2?: boolean;
  /** cosign v3 bundles (referrers / tag schema) instead of legacy .sig/.att tags. */
  bundles?: boolean;
  /** With `key`: the certificate for that key, attached to the signature (an organisation's CA). */
  certificate?: string;
  /** A trusted_root.json other than the stack's, for cosign to sign against. */
  trustedRoot?: string;
}

function commonArgs(stack: SigstoreStack, opts: SignOptions): string[] {
  if (opts.rekorV2) {
    if (!stack.rekorV2) throw new Error('the stack was started without Rekor v2');
    // The signing config names every service; cosign refuses --rekor-url and friends beside it.
    const args = ['--yes', '--trusted-root', opts.trustedRoot ?? stack.trustedRootPath, '--signing-config', stack.signingConfigPath];
    if (opts.key) return [...args, '--key', opts.key];
    return [...args, '--identity-token', identityToken(stack, opts.identity ?? 'email').token];
  }
  const args = [
    '--yes',
    '--trusted-root',
    opts.trustedRoot ?? stack.trustedRootPath,
    '--use-signing-config=false',
    `--new-bundle-format=${opts.bundles ? 'true' : 'false'}`,
  ];
  if (opts.key) {
    args.push('--key', opts.key);
    if (opts.certificate) args.push('--certificate', opts.certificate);
  } else {
    const id = identityToken(stack, opts.identity ?? 'email');
    args.push('--fulcio-url', stack.fulcioUrl, '--identity-token', id.token, '--timestamp-server-url', `${stack.tsaUrl}/api/v1/timestamp`);
  }
  if (opts.rekor) {
    if (!stack.rekor) throw new Error('the stack was started without Rekor');
    args.push('--rekor-url', stack.rekor.url, '--tlog-upload=true');
  } else {
    args.push('--tlog-upload=false');
  }
  return args;
}

export async function cosignSign(stack: SigstoreStack, image: string, opts: SignOptions = {}): Promise<void> {
  await run(toolPath('cosign'), ['sign', ...commonArgs(stack, opts), image], { env: { ...process.env, HOME: stack.dir, COSIGN_PASSWORD: '' } });
}

export async function cosignAttest(stack: SigstoreStack, image: string, predicate: unknown, type: string, opts: SignOptions = {}): Promise<void> {
  const file = join(stack.dir, `predicate-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(file, JSON.stringify(predicate));
  await run(toolPath('cosign'), ['attest', ...commonArgs(stack, opts), '--type', type, '--predicate', file, image], {
    env: { ...process.env, HOME: stack.dir, COSIGN_PASSWORD: '' },
  });
}
