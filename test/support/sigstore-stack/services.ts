// Starts a real server binary, waits until it answers on loopback, and stops it.
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { acceptsConnections, httpAnswers, waitUntilReady } from '../ready.ts';

export interface Service {
  name: string;
  url: string;
  /** The last output of the process, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Fulcio and the timestamp authority also open listeners on every interface (metrics, pprof), so
 * tests that start them run inside a private network namespace holding only loopback
 * (scripts/test.sh runs them under `unshare --net`). This refuses to start them anywhere else.
 */
export function inPrivateNetworkNamespace(): boolean {
  return Object.keys(networkInterfaces()).every((n) => n === 'lo');
}

export function assertPrivateNetworkNamespace(): void {
  const names = Object.keys(networkInterfaces());
  if (!inPrivateNetworkNamespace()) {
    throw new Error(
      `refusing to start Sigstore servers: this network namespace has interfaces ${names.join(', ')}; run under 'unshare --net' (scripts/test.sh does)`,
    );
  }
}

/**
 * Ready once `readyUrl` answers, and, with `alsoListening`, once that loopback port accepts too (a
 * server that opens its HTTP port before its gRPC one). `stopSignal: 'SIGKILL'` for servers whose graceful stop only waits (Trillian sleeps 5 to 10 s on
 * SIGTERM) and whose data is thrown away anyway.
 */
export async function startService(
  name: string,
  bin: string,
  args: string[],
  readyUrl: string,
  options: { env?: NodeJS.ProcessEnv; stopSignal?: NodeJS.Signals; alsoListening?: number } = {},
): Promise<Service> {
  const env = options.env ?? process.env;
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const collect = (d: Buffer): void => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  try {
    await waitUntilReady({
      name,
      target: readyUrl,
      probe: async () =>
        (await httpAnswers(readyUrl)) && (options.alsoListening === undefined || acceptsConnections({ host: '127.0.0.1', port: options.alsoListening })),
      exited: () => child.exitCode ?? child.signalCode ?? undefined,
      log: () => output,
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    name,
    url: new URL(readyUrl).origin,
    logs: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
