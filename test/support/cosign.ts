// The real cosign, signing and attesting with long-lived keys, no tlog: in the legacy tag layout
// (.sig/.att), or as cosign v3 Sigstore bundles stored as referrers.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from './tools.ts';

const run = promisify(execFile);

export interface KeyPair {
  key: string;
  pub: string;
}

const env = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, HOME: dir, COSIGN_PASSWORD: '' });

/** An ECDSA P-256 cosign key pair (cosign generate-key-pair), empty password. */
export async function generateKeyPair(dir: string, prefix: string): Promise<KeyPair> {
  await run(toolPath('cosign'), ['generate-key-pair', '--output-key-prefix', join(dir, prefix)], { env: env(dir) });
  return { key: join(dir, `${prefix}.key`), pub: join(dir, `${prefix}.pub`) };
}

/** A P-384, RSA or Ed25519 key made with node:crypto and imported with `cosign import-key-pair`. */
export async function importKeyPair(dir: string, prefix: string, kind: 'p256' | 'p384' | 'rsa' | 'ed25519'): Promise<KeyPair> {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'prime256v1' : 'secp384r1' });
  const pem = join(dir, `${prefix}-import.pem`);
  await writeFile(pem, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await run(toolPath('cosign'), ['import-key-pair', '--key', pem, '--output-key-prefix', join(dir, prefix)], { env: env(dir) });
  return { key: join(dir, `${prefix}.key`), pub: join(dir, `${prefix}.pub`) };
}

export interface KeySignOptions {
  /** cosign v3 bundles (OCI referrers, or the sha256-<hex> tag schema without the API) instead of .sig/.att tags. */
  bundle?: boolean;
}

const flags = (opts: KeySignOptions): string[] => [
  '--yes',
  '--tlog-upload=false',
  `--new-bundle-format=${opts.bundle ? 'true' : 'false'}`,
  '--use-signing-config=false',
];

export async function sign(dir: string, image: string, key: KeyPair, opts: KeySignOptions = {}): Promise<void> {
  await run(toolPath('cosign'), ['sign', ...flags(opts), '--key', key.key, image], { env: env(dir) });
}

export async function attest(dir: string, image: string, key: KeyPair, predicate: unknown, type: string, opts: KeySignOptions = {}): Promise<void> {
  const file = join(dir, `predicate-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(file, JSON.stringify(predicate));
  await run(toolPath('cosign'), ['attest', ...flags(opts), '--key', key.key, '--type', type, '--predicate', file, image], { env: env(dir) });
}
