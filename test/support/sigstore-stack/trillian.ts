// Trillian on loopback, as Rekor v1 and the CT log run on it in production: a log server and a log
// signer over a throwaway MariaDB (Debian's). One instance serves every log of the stack.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { acceptsConnections, waitUntilReady } from '../ready.ts';
import { startService, type Service } from './services.ts';

const run = promisify(execFile);

export interface Trillian {
  /** `127.0.0.1:<port>` of the log server's gRPC API. */
  rpcAddress: string;
  /** The MariaDB socket, for servers that keep their own tables beside Trillian's. */
  socket: string;
  createDatabase(name: string): Promise<void>;
  /** A new log tree (createtree), returning its ID. */
  createTree(name: string): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

/** Trillian's MySQL schema, installed beside its binaries (from the same module version) by install-tools. */
function trillianSchema(): Promise<string> {
  return readFile(toolPath('trillian-storage.sql'), 'utf8');
}

export async function startTrillian(dir: string): Promise<Trillian> {
  const services: Service[] = [];
  const data = join(dir, 'trillian');
  await mkdir(data, { recursive: true });
  const sock = join(data, 'mysql.sock');
  await run('mariadb-install-db', [`--datadir=${join(data, 'db')}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
  const dbPort = await freePort();
  const db = spawn(
    'mariadbd',
    [
      `--datadir=${join(data, 'db')}`,
      `--socket=${sock}`,
      `--port=${dbPort}`,
      '--bind-address=127.0.0.1',
      '--user=root',
      '--skip-name-resolve',
      `--log-error=${join(data, 'db.err')}`,
      `--pid-file=${join(data, 'db.pid')}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    for (const s of services.reverse()) await s.stop();
    if (db.exitCode !== null || db.signalCode !== null) return;
    const exited = new Promise((r) => db.once('exit', r));
    db.kill('SIGTERM');
    await exited;
  };
  const createDatabase = async (name: string): Promise<void> => {
    await run('mariadb', [`--socket=${sock}`, '-uroot', '-e', `CREATE DATABASE ${name};`]);
  };
  try {
    await waitUntilReady({
      name: 'mariadbd',
      target: sock,
      probe: () => acceptsConnections({ path: sock }),
      exited: () => db.exitCode ?? db.signalCode ?? undefined,
      log: () => {
        try {
          return readFileSync(join(data, 'db.err'), 'utf8');
        } catch {
          return `(no log at ${join(data, 'db.err')})`;
        }
      },
    });
    await createDatabase('trillian');
    const schema = await trillianSchema();
    await new Promise<void>((resolve, reject) => {
      const client = spawn('mariadb', [`--socket=${sock}`, '-uroot', 'trillian'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      client.stderr.on('data', (d: Buffer) => (err += d.toString()));
      client.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loading the Trillian schema failed: ${err}`))));
      client.stdin.end(schema);
    });
    const uri = `root@unix(${sock})/trillian`;
    const [rpc, http, signerRpc, signerHttp] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // The admin API that createtree calls listens after the HTTP port: wait for both.
    services.push(
      await startService(
        'trillian_log_server',
        toolPath('trillian_log_server'),
        ['--storage_system=mysql', `--mysql_uri=${uri}`, `--rpc_endpoint=127.0.0.1:${rpc}`, `--http_endpoint=127.0.0.1:${http}`],
        `http://127.0.0.1:${http}/metrics`,
        { stopSignal: 'SIGKILL', alsoListening: rpc },
      ),
    );
    services.push(
      await startService(
        'trillian_log_signer',
        toolPath('trillian_log_signer'),
        [
          '--storage_system=mysql',
          `--mysql_uri=${uri}`,
          `--rpc_endpoint=127.0.0.1:${signerRpc}`,
          `--http_endpoint=127.0.0.1:${signerHttp}`,
          '--force_master',
          '--sequencer_interval=100ms',
          '--batch_size=100',
        ],
        `http://127.0.0.1:${signerHttp}/metrics`,
        { stopSignal: 'SIGKILL' },
      ),
    );
    const rpcAddress = `127.0.0.1:${rpc}`;
    return {
      rpcAddress,
      socket: sock,
      createDatabase,
      async createTree(name) {
        const { stdout } = await run(toolPath('createtree'), [`--admin_server=${rpcAddress}`, `--display_name=${name}`, '--max_root_duration=1h']);
        return stdout.trim();
      },
      logs: () => services.map((s) => `--- ${s.name}\n${s.logs()}`).join('\n'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
