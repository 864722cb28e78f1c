// Starts a real OCI registry on a free loopback port: Debian's docker-registry (distribution 2.8, no
// referrers API, so cosign v3 falls back to the sha256-<hex> tag schema), or olareg, which serves
// the OCI 1.1 referrers API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpAnswers, ServerNotReadyError, waitUntilReady } from './ready.ts';
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
  const auth = options.htpasswdFile ? `auth:\n  htpasswd:\n    realm: vouch-test\n    path: ${options.htpasswdFile}\n` : '';
  const configPath = join(dir, 'config.yml');
  return serveOnFreePort('docker-registry', dir, async (host) => {
    await writeFile(
      configPath,
      `version: 0.1
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
${auth}`,
    );
    return ['serve', configPath];
  });
}

/**
 * Runs a registry binary on a port just found free until GET /v2/ answers (200, or 401 behind auth);
 * stop() also removes its data. The port can be taken between the probe and the bind: a registry that
 * exits saying so is started again on another port.
 */
async function serveOnFreePort(tool: string, dir: string, argsFor: (host: string) => Promise<string[]>): Promise<TestRegistry> {
  for (let attempt = 1; ; attempt++) {
    const host = `127.0.0.1:${await freePort()}`;
    try {
      return await serveRegistry(tool, await argsFor(host), host, dir);
    } catch (err) {
      if (attempt < 3 && err instanceof ServerNotReadyError && /address already in use/i.test(err.message)) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
}

async function serveRegistry(tool: string, args: string[], host: string, dir: string): Promise<TestRegistry> {
  const served = await serveTool(tool, args, host);
  return {
    host,
    url: `http://${host}`,
    async stop() {
      await served.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A registry `tool` started with `args`, once `GET /v2/` on `host` answers (200, or 401 behind auth);
 * its output kept for the error when it does not. `stop()` ends it (its data stays).
 */
export async function serveTool(tool: string, args: string[], host: string): Promise<{ pid: number | undefined; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(toolPath(tool), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    output = (output + d.toString()).slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://${host}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitUntilReady({
      name: tool,
      target: `${url}/v2/`,
      probe: () => httpAnswers(`${url}/v2/`, (s) => s === 200 || s === 401),
      exited: () => child.exitCode ?? child.signalCode ?? undefined,
      log: () => output,
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { pid: child.pid, stop };
}

/** olareg on loopback: an OCI 1.1 registry that answers GET /v2/<name>/referrers/<digest>. */
export async function startReferrersRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-olareg-'));
  // Garbage collection off: a test's referrers must not be collected while it runs.
  return serveOnFreePort('olareg', dir, async (host) => {
    const port = host.split(':')[1]!;
    return ['serve', '--addr', '127.0.0.1', '--port', port, '--dir', join(dir, 'data'), '--gc-frequency=-1s'];
  });
}
