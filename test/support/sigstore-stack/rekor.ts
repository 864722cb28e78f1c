// Rekor v1 on loopback, as production runs it: rekor-server over Trillian (see trillian.ts), its
// search index in the same MariaDB. Entries get real SETs and inclusion proofs.
import { createHash, createPublicKey } from 'node:crypto';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { startService } from './services.ts';
import type { Trillian } from './trillian.ts';

export interface RekorLog {
  url: string;
  publicKeyPem: string;
  /** The tlog entry of a trusted_root.json for this log. */
  trustedRootEntry(): Record<string, unknown>;
  logs(): string;
  stop(): Promise<void>;
}

/** The trusted_root.json entry of a log (tlog or CT log) whose ID is the SHA-256 of its P-256 key. */
export function p256LogEntry(baseUrl: string, spkiDer: Buffer): Record<string, unknown> {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: spkiDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
    logId: { keyId: createHash('sha256').update(spkiDer).digest('base64') },
  };
}

export async function startRekor(trillian: Trillian): Promise<RekorLog> {
  await trillian.createDatabase('rekor');
  const [host, rpc] = trillian.rpcAddress.split(':') as [string, string];
  const port = await freePort();
  const rekor = await startService(
    'rekor-server',
    toolPath('rekor-server'),
    [
      'serve',
      `--trillian_log_server.address=${host}`,
      `--trillian_log_server.port=${rpc}`,
      '--rekor_server.address=127.0.0.1',
      `--port=${port}`,
      '--rekor_server.signer=memory',
      '--rekor_server.hostname=127.0.0.1',
      '--search_index.storage_provider=mysql',
      `--search_index.mysql.dsn=root@unix(${trillian.socket})/rekor`,
      '--enable_retrieve_api=false',
    ],
    `http://127.0.0.1:${port}/api/v1/log/publicKey`,
  );
  const publicKeyPem = await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text();
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return {
    url: rekor.url,
    publicKeyPem,
    trustedRootEntry: () => p256LogEntry(rekor.url, der),
    logs: () => `--- rekor-server\n${rekor.logs()}`,
    stop: () => rekor.stop(),
  };
}
