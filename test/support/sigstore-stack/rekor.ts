// Rekor v1 on loopback, as production runs it: rekor-server over a Trillian log server and signer,
// backed by a throwaway MariaDB (Debian's). Entries get real SETs and inclusion proofs.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { startService, type Service } from './services.ts';

const run = promisify(execFile);

export interface RekorLog {
  url: string;
  publicKeyPem: string;
  /** The tlog entry of a trusted_root.json for this log. */
  trustedRootEntry(): Record<string, unknown>;
  logs(): string;
  stop(): Promise<void>;
}

async function waitForFile(path: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await stat(path);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${path} did not appear within ${ms} ms`);
}

/** Trillian's MySQL schema ships in its Go module (the same version as the installed binaries). */
async function trillianSchema(): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOMODCACHE']);
  const env = await readFile(new URL('../../../scripts/tools.env', import.meta.url), 'utf8');
  const version = /^TRILLIAN_VERSION=(\S+)/m.exec(env)?.[1];
  if (!version) throw new Error('scripts/tools.env has no TRILLIAN_VERSION');
  return readFile(join(stdout.trim(), 'github.com', 'google', `trillian@${version}`, 'storage', 'mysql', 'schema', 'storage.sql'), 'utf8');
}

export async function startRekor(dir: string): Promise<RekorLog> {
  const services: Service[] = [];
  const data = join(dir, 'rekor');
  await mkdir(data, { recursive: true });
  const sock = join(data, 'mysql.sock');
  await run('mariadb-install-db', [`--datadir=${join(data, 'db')}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
  const dbPort = await freePort();
  const db = spawn('mariadbd', [
    `--datadir=${join(data, 'db')}`, `--socket=${sock}`, `--port=${dbPort}`, '--bind-address=127.0.0.1', '--user=root',
    '--skip-name-resolve', `--log-error=${join(data, 'db.err')}`, `--pid-file=${join(data, 'db.pid')}`,
  ], { stdio: 'ignore' });
  const stopDb = async (): Promise<void> => {
    if (db.exitCode !== null) return;
    const exited = new Promise((r) => db.once('exit', r));
    db.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForFile(sock, 20_000);
    await run('mariadb', [`--socket=${sock}`, '-uroot', '-e', 'CREATE DATABASE trillian; CREATE DATABASE rekor;']);
    const schema = await trillianSchema();
    await new Promise<void>((resolve, reject) => {
      const client = spawn('mariadb', [`--socket=${sock}`, '-uroot', 'trillian'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      client.stderr.on('data', (d: Buffer) => (err += d.toString()));
      client.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loading the Trillian schema failed: ${err}`))));
      client.stdin.end(schema);
    });
    const uri = `root@unix(${sock})/trillian`;
    const [rpc, http, signerRpc, signerHttp, rekorPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    services.push(
      await startService('trillian_log_server', toolPath('trillian_log_server'), [
        '--storage_system=mysql', `--mysql_uri=${uri}`, `--rpc_endpoint=127.0.0.1:${rpc}`, `--http_endpoint=127.0.0.1:${http}`,
      ], `http://127.0.0.1:${http}/metrics`),
    );
    services.push(
      await startService('trillian_log_signer', toolPath('trillian_log_signer'), [
        '--storage_system=mysql', `--mysql_uri=${uri}`, `--rpc_endpoint=127.0.0.1:${signerRpc}`, `--http_endpoint=127.0.0.1:${signerHttp}`,
        '--force_master', '--sequencer_interval=100ms', '--batch_size=100',
      ], `http://127.0.0.1:${signerHttp}/metrics`),
    );
    const rekor = await startService('rekor-server', toolPath('rekor-server'), [
      'serve', '--trillian_log_server.address=127.0.0.1', `--trillian_log_server.port=${rpc}`, '--rekor_server.address=127.0.0.1',
      `--port=${rekorPort}`, '--rekor_server.signer=memory', '--rekor_server.hostname=127.0.0.1',
      '--search_index.storage_provider=mysql', `--search_index.mysql.dsn=root@unix(${sock})/rekor`, '--enable_retrieve_api=false',
    ], `http://127.0.0.1:${rekorPort}/api/v1/log/publicKey`);
    services.push(rekor);
    const publicKeyPem = await (await fetch(`${rekor.url}/api/v1/log/publicKey`)).text();
    const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    return {
      url: rekor.url,
      publicKeyPem,
      trustedRootEntry: () => ({
        baseUrl: rekor.url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: der.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
        logId: { keyId: createHash('sha256').update(der).digest('base64') },
      }),
      logs: () => services.map((s) => `--- ${s.name}\n${s.logs()}`).join('\n'),
      async stop() {
        for (const s of services.reverse()) await s.stop();
        await stopDb();
      },
    };
  } catch (err) {
    for (const s of services.reverse()) await s.stop();
    await stopDb();
    throw err;
  }
}
