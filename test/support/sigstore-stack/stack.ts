// The keyless Sigstore stack on loopback, from the real binaries: OIDC issuers of our own (email,
// Kubernetes service account, GitHub workflow), Fulcio with an ephemeral CA embedding SCTs from a
// CT log (CTFE on Trillian + MariaDB), a timestamp authority,
// Rekor v1 (Trillian) and/or Rekor v2 (tiles) when asked, a trusted_root.json built from what those
// servers publish, a TUF repository serving it, and a signing config that sends cosign to Rekor v2.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { freePort } from '../registry.ts';
import { toolPath } from '../tools.ts';
import { startOidcIssuer, type OidcIssuer } from './oidc.ts';
import { acquireStackLock } from './lock.ts';
import { startRekor, type RekorLog } from './rekor.ts';
import { startRekorV2 } from './rekor-v2.ts';
import { planCtLog, startCtLog } from './ctlog.ts';
import { startTrillian, type Trillian } from './trillian.ts';
import { assertPrivateNetworkNamespace, startService, type Service } from './services.ts';
import { startTufRepository, type TufRepository } from './tuf.ts';

export interface SigstoreStack {
  dir: string;
  fulcioUrl: string;
  tsaUrl: string;
  /** Rekor v1 (Trillian + MariaDB), when asked for. */
  rekor?: RekorLog;
  /** Rekor v2 (rekor-tiles), when asked for. */
  rekorV2?: RekorLog;
  /** The CT log whose SCTs Fulcio embeds (listed in the trusted root's ctlogs). */
  ctlog: RekorLog;
  /** A cosign signing config (v0.2): our Fulcio, Rekor v2 when started, and the TSA. */
  signingConfigPath: string;
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

export async function startSigstoreStack(options: { rekor?: boolean; rekorV2?: boolean } = {}): Promise<SigstoreStack> {
  assertPrivateNetworkNamespace();
  const release = await acquireStackLock();
  const dir = await mkdtemp(join(tmpdir(), 'vouch-sigstore-'));
  const services: Service[] = [];
  let rekor: RekorLog | undefined;
  let rekorV2: RekorLog | undefined;
  let ctlog: RekorLog | undefined;
  let trillian: Trillian | undefined;
  const stopLogs = async (): Promise<void> => {
    await rekor?.stop();
    await rekorV2?.stop();
    await ctlog?.stop();
    await trillian?.stop();
  };
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
    trillian = await startTrillian(dir);
    // Fulcio is told where the CT log will be; the log starts once Fulcio's root exists to trust.
    const ctPlan = await planCtLog(dir);
    const fulcio = await startService(
      'fulcio',
      toolPath('fulcio'),
      [
        'serve',
        '--ca',
        'ephemeralca',
        '--ct-log-url',
        ctPlan.url,
        '--ct-log-public-key-path',
        ctPlan.publicKeyPath,
        '--config-path',
        configPath,
        '--host',
        '127.0.0.1',
        '--port',
        String(fPort),
        '--grpc-host',
        '127.0.0.1',
        '--grpc-port',
        String(gPort),
        '--metrics-port',
        String(mPort),
        '--legacy-unix-domain-socket',
        join(dir, 'fulcio-legacy.sock'),
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

    const fulcioChain = pemChain(await (await fetch(`${fulcio.url}/api/v1/rootCert`)).text());
    ctlog = await startCtLog(dir, ctPlan, trillian, fulcioChain.join('\n'));
    if (options.rekor) rekor = await startRekor(trillian);
    if (options.rekorV2) rekorV2 = await startRekorV2(dir);
    const tsaChain = pemChain(await (await fetch(`${tsa.url}/api/v1/timestamp/certchain`)).text());
    const trustedRoot = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [rekor, rekorV2].filter((l) => l !== undefined).map((l) => l.trustedRootEntry()),
      certificateAuthorities: [authority(fulcio.url, fulcioChain)],
      ctlogs: [ctlog.trustedRootEntry()],
      timestampAuthorities: [authority(tsa.url, tsaChain)],
    };
    const trustedRootPath = join(dir, 'trusted_root.json');
    const trustedRootBytes = Buffer.from(JSON.stringify(trustedRoot, null, 2));
    await writeFile(trustedRootPath, trustedRootBytes);
    await mkdir(join(dir, 'tuf'), { recursive: true });
    const tuf = await startTufRepository(join(dir, 'tuf'), { 'trusted_root.json': trustedRootBytes });
    const service = (url: string, majorApiVersion: number): Record<string, unknown> => ({
      url,
      majorApiVersion,
      validFor: { start: '2020-01-01T00:00:00Z' },
      operator: 'vouch-test',
    });
    const signingConfigPath = join(dir, 'signing_config.json');
    await writeFile(
      signingConfigPath,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [service(fulcio.url, 1)],
        oidcUrls: [],
        rekorTlogUrls: rekorV2 ? [service(rekorV2.url, 2)] : [],
        rekorTlogConfig: { selector: 'ANY' },
        // The TSA entry is the full endpoint; Rekor's is the base URL.
        tsaUrls: [service(`${tsa.url}/api/v1/timestamp`, 1)],
        tsaConfig: { selector: 'ANY' },
      }),
    );
    const [ct, tr] = [ctlog, trillian];
    return {
      dir,
      fulcioUrl: fulcio.url,
      tsaUrl: tsa.url,
      ...(rekor ? { rekor } : {}),
      ...(rekorV2 ? { rekorV2 } : {}),
      ctlog,
      signingConfigPath,
      issuers,
      trustedRootPath,
      tuf,
      logs: () => [...services.map((s) => `--- ${s.name}\n${s.logs()}`), rekor?.logs() ?? '', rekorV2?.logs() ?? '', ct.logs(), tr.logs()].join('\n'),
      async stop() {
        await tuf.stop();
        await stopLogs();
        await Promise.all(services.map((s) => s.stop()));
        await Promise.all(Object.values(issuers).map((i) => i.stop()));
        await release();
      },
    };
  } catch (err) {
    await stopLogs();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(Object.values(issuers).map((i) => i.stop()));
    await release();
    throw err;
  }
}
