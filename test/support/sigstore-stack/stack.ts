// The keyless Sigstore stack on loopback, from the real binaries: OIDC issuers of our own (email,
// Kubernetes service account, GitHub workflow), Fulcio with an ephemeral CA, a timestamp authority,
// a trusted_root.json built from what those servers publish, and a TUF repository serving it.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { startOidcIssuer, type OidcIssuer } from './oidc.ts';
import { acquireStackLock } from './lock.ts';
import { startRekor, type RekorLog } from './rekor.ts';
import { assertPrivateNetworkNamespace, startService, type Service } from './services.ts';
import { startTufRepository, type TufRepository } from './tuf.ts';

export interface SigstoreStack {
  dir: string;
  fulcioUrl: string;
  tsaUrl: string;
  /** Rekor v1 (Trillian + MariaDB), when asked for. */
  rekor?: RekorLog;
  issuers: { email: OidcIssuer; kubernetes: OidcIssuer; github: OidcIssuer };
  /** A trusted_root.json naming our Fulcio CA and TSA. */
  trustedRootPath: string;
  tuf: TufRepository;
  /** Recent output of every server, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

function pemChain(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function authority(uri: string, pems: string[]): Record<string, unknown> {
  const certs = pems.map((p) => new X509Certificate(p));
  const subject = certs[0]!.subject;
  const org = /O=([^\n,]+)/.exec(subject)?.[1] ?? 'vouch-test';
  const cn = /CN=([^\n,]+)/.exec(subject)?.[1] ?? uri;
  return {
    subject: { organization: org, commonName: cn },
    uri,
    certChain: { certificates: certs.map((c) => ({ rawBytes: c.raw.toString('base64') })) },
    validFor: { start: new Date(Math.min(...certs.map((c) => Date.parse(c.validFrom)))).toISOString() },
  };
}

export async function startSigstoreStack(options: { rekor?: boolean } = {}): Promise<SigstoreStack> {
  assertPrivateNetworkNamespace();
  const release = await acquireStackLock();
  const dir = await mkdtemp(join(tmpdir(), 'vouch-sigstore-'));
  const services: Service[] = [];
  let rekor: RekorLog | undefined;
  const issuers = { email: await startOidcIssuer(), kubernetes: await startOidcIssuer(), github: await startOidcIssuer() };
  try {
    const config = {
      OIDCIssuers: {
        [issuers.email.url]: { IssuerURL: issuers.email.url, ClientID: 'sigstore', Type: 'email' },
        [issuers.kubernetes.url]: { IssuerURL: issuers.kubernetes.url, ClientID: 'sigstore', Type: 'kubernetes' },
        [issuers.github.url]: { IssuerURL: issuers.github.url, ClientID: 'sigstore', Type: 'github-workflow' },
      },
    };
    const configPath = join(dir, 'fulcio.json');
    await writeFile(configPath, JSON.stringify(config));
    const [fPort, gPort, mPort, tPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const fulcio = await startService(
      'fulcio',
      toolPath('fulcio'),
      [
        'serve', '--ca', 'ephemeralca', '--ct-log-url', '', '--config-path', configPath,
        '--host', '127.0.0.1', '--port', String(fPort), '--grpc-host', '127.0.0.1', '--grpc-port', String(gPort),
        '--metrics-port', String(mPort), '--legacy-unix-domain-socket', join(dir, 'fulcio-legacy.sock'),
      ],
      `http://127.0.0.1:${fPort}/api/v1/rootCert`,
    );
    services.push(fulcio);
    const tsa = await startService(
      'timestamp-server',
      toolPath('timestamp-server'),
      ['serve', '--host', '127.0.0.1', '--port', String(tPort), '--timestamp-signer', 'memory', '--disable-ntp-monitoring'],
      `http://127.0.0.1:${tPort}/api/v1/timestamp/certchain`,
    );
    services.push(tsa);

    if (options.rekor) rekor = await startRekor(dir);
    const fulcioChain = pemChain(await (await fetch(`${fulcio.url}/api/v1/rootCert`)).text());
    const tsaChain = pemChain(await (await fetch(`${tsa.url}/api/v1/timestamp/certchain`)).text());
    const trustedRoot = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: rekor ? [rekor.trustedRootEntry()] : [],
      certificateAuthorities: [authority(fulcio.url, fulcioChain)],
      ctlogs: [],
      timestampAuthorities: [authority(tsa.url, tsaChain)],
    };
    const trustedRootPath = join(dir, 'trusted_root.json');
    const trustedRootBytes = Buffer.from(JSON.stringify(trustedRoot, null, 2));
    await writeFile(trustedRootPath, trustedRootBytes);
    await mkdir(join(dir, 'tuf'), { recursive: true });
    const tuf = await startTufRepository(join(dir, 'tuf'), { 'trusted_root.json': trustedRootBytes });
    return {
      dir,
      fulcioUrl: fulcio.url,
      tsaUrl: tsa.url,
      ...(rekor ? { rekor } : {}),
      issuers,
      trustedRootPath,
      tuf,
      logs: () => [...services.map((s) => `--- ${s.name}\n${s.logs()}`), rekor?.logs() ?? ''].join('\n'),
      async stop() {
        await tuf.stop();
        await rekor?.stop();
        await Promise.all(services.map((s) => s.stop()));
        await Promise.all(Object.values(issuers).map((i) => i.stop()));
        await release();
      },
    };
  } catch (err) {
    await rekor?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(Object.values(issuers).map((i) => i.stop()));
    await release();
    throw err;
  }
}
