// Rekor v2 on loopback: rekor-tiles' POSIX server (tiles on disk, no database). Entries are
// hashedrekord v0.0.2 with an inclusion proof and a signed checkpoint, and no SET: the signing time
// comes from a timestamp authority, so cosign only uploads here with a TSA in its signing config.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import type { RekorLog } from './rekor.ts';
import { startService } from './services.ts';

/** The checkpoint origin; verifiers match it against the host of the trusted root's baseUrl. */
const ORIGIN = '127.0.0.1';

/**
 * The log ID as rekor-tiles computes it for an Ed25519 key (a C2SP signed-note key hash):
 * sha256(origin "\n" 0x01 raw-key). It depends on the origin, unlike Rekor v1's sha256(SPKI).
 */
export function ed25519LogId(origin: string, spkiDer: Buffer): Buffer {
  return createHash('sha256')
    .update(`${origin}\n`)
    .update(Buffer.from([1]))
    .update(spkiDer.subarray(12))
    .digest();
}

export async function startRekorV2(dir: string): Promise<RekorLog> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const keyPath = join(dir, 'rekor-v2.key');
  await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  const service = await startService(
    'rekor-tiles',
    toolPath('rekor-posix'),
    [
      'serve',
      `--hostname=${ORIGIN}`,
      `--storage-dir=${join(dir, 'rekor-v2-tiles')}`,
      `--signer-filepath=${keyPath}`,
      `--http-address=${ORIGIN}`,
      `--http-port=${http}`,
      `--grpc-address=${ORIGIN}`,
      `--grpc-port=${grpc}`,
      `--http-metrics-port=${metrics}`,
      // Each upload waits for the next checkpoint: the 10 s default would make every signature slow.
      '--checkpoint-interval=500ms',
      '--batch-max-age=100ms',
    ],
    `http://${ORIGIN}:${http}/healthz`,
  );
  return {
    url: service.url,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    trustedRootEntry: () => ({
      baseUrl: service.url,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: der.toString('base64'), keyDetails: 'PKIX_ED25519', validFor: { start: '2020-01-01T00:00:00Z' } },
      logId: { keyId: ed25519LogId(ORIGIN, der).toString('base64') },
    }),
    logs: () => `--- rekor-tiles\n${service.logs()}`,
    stop: () => service.stop(),
  };
}
