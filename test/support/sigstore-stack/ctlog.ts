// A certificate transparency log on loopback: Google's CTFE (ct_server) over the stack's Trillian,
// accepting (pre)certificates from our Fulcio's CA, so Fulcio embeds real SCTs in what it issues.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { p256LogEntry, type RekorLog } from './rekor.ts';
import { startService } from './services.ts';
import type { Trillian } from './trillian.ts';

const PREFIX = 'vouchtest';

/**
 * The log's key and address, made before Fulcio starts (Fulcio is told where the log is and checks
 * every SCT with its key); the log itself starts after, as it must trust Fulcio's root.
 */
export interface CtLogPlan {
  url: string;
  port: number;
  privateKey: KeyObject;
  /** PEM public key file for Fulcio's --ct-log-public-key-path. */
  publicKeyPath: string;
}

export async function planCtLog(dir: string): Promise<CtLogPlan> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPath = join(dir, 'ctlog.pub');
  await writeFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  const port = await freePort();
  return { url: `http://127.0.0.1:${port}/${PREFIX}`, port, privateKey, publicKeyPath };
}

/** A protobuf text-format string literal of raw bytes (octal escapes). */
const textprotoBytes = (b: Buffer): string => [...b].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('');

export async function startCtLog(dir: string, plan: CtLogPlan, trillian: Trillian, fulcioRootPem: string): Promise<RekorLog> {
  const treeId = await trillian.createTree('ctlog');
  const rootsPath = join(dir, 'ctlog-roots.pem');
  await writeFile(rootsPath, fulcioRootPem);
  const configPath = join(dir, 'ct_server.cfg');
  const der = plan.privateKey.export({ type: 'pkcs8', format: 'der' });
  await writeFile(
    configPath,
    `config {
  log_id: ${treeId}
  prefix: "${PREFIX}"
  roots_pem_file: "${rootsPath}"
  private_key: {
    [type.googleapis.com/keyspb.PrivateKey] {
      der: "${textprotoBytes(der)}"
    }
  }
  ext_key_usages: "CodeSigning"
  max_merge_delay_sec: 86400
  expected_merge_delay_sec: 120
}
`,
  );
  const service = await startService(
    'ct_server',
    toolPath('ct_server'),
    [
      `--log_config=${configPath}`,
      `--log_rpc_server=${trillian.rpcAddress}`,
      `--http_endpoint=127.0.0.1:${plan.port}`,
      `--metrics_endpoint=127.0.0.1:${await freePort()}`,
      '--quota_remote=false',
      '--quota_intermediate=false',
      '--logtostderr',
    ],
    `${plan.url}/ct/v1/get-sth`,
  );
  const publicKey = createPublicKey(plan.privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    url: plan.url,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    trustedRootEntry: () => p256LogEntry(plan.url, spki),
    logs: () => `--- ct_server\n${service.logs()}`,
    stop: () => service.stop(),
  };
}
