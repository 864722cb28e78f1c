// Starts a real OCI registry on a free loopback port: Debian's docker-registry (distribution 2.8, no
// referrers API, so cosign v3 falls back to the sha256-<hex> tag schema), or olareg, which serves
// the OCI 1.1 referrers API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from './tools.ts';

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** An htpasswd file (bcrypt) to require basic auth. */
  htpasswdFile?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const auth = options.htpasswdFile
    ? `auth:\n  htpasswd:\n    realm: vouch-test\n    path: ${options.htpasswdFile}\n`
    : '';
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${host}
${auth}`;
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, config);
  return serveRegistry('docker-registry', ['serve', configPath], host, dir);
}

/** Runs a registry binary until GET /v2/ answers (200, or 401 behind auth); stop() also removes its data. */
async function serveRegistry(tool: string, args: string[], host: string, dir: string): Promise<TestRegistry> {
  const child: ChildProcess = spawn(toolPath(tool), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-10_000);
  });
  const url = `http://${host}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${tool} exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${tool} did not start on ${host}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** olareg on loopback: an OCI 1.1 registry that answers GET /v2/<name>/referrers/<digest>. */
export async function startReferrersRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-olareg-'));
  const port = await freePort();
  // Garbage collection off: a test's referrers must not be collected while it runs.
  return serveRegistry('olareg', ['serve', '--addr', '127.0.0.1', '--port', String(port), '--dir', join(dir, 'data'), '--gc-frequency=-1s'], `127.0.0.1:${port}`, dir);
}
