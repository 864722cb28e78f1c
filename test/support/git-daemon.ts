// A real `git daemon` on loopback serving the repositories under a directory (git:// policy sources),
// awaited until it accepts connections rather than given a fixed time to start.
import { spawn } from 'node:child_process';
import { freePort } from './registry.ts';
import { acceptsConnections, waitUntilReady } from './ready.ts';

export interface GitDaemon {
  /** `git://127.0.0.1:<port>`; a repository `<base>/x.git` is `${url}/x.git`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn('git', ['daemon', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', base], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-10_000);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntilReady({
      name: 'git daemon',
      target: `git://127.0.0.1:${port}`,
      probe: () => acceptsConnections({ host: '127.0.0.1', port }),
      exited: () => child.exitCode ?? child.signalCode ?? undefined,
      log: () => output,
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { url: `git://127.0.0.1:${port}`, port, stop };
}
