// An https front for a loopback http server (a registry, a TUF repository), as an ingress with a
// private CA puts one in front of a cluster's services: a CA and a server certificate made by the
// real openssl, the server bound to 127.0.0.1 only. Clients reach it as `0.0.0.0:<port>`: vouch
// speaks plain http to loopback names (127.0.0.0/8, ::1, localhost), and 0.0.0.0 is none of
// them, yet Linux delivers a connection to 0.0.0.0 to the loopback interface — so the test
// exercises https, with nothing listening anywhere but loopback.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeCa } from './pki.ts';

const run = promisify(execFile);

export interface TlsFront {
  /** `0.0.0.0:<port>`: the https address clients use. */
  host: string;
  url: string;
  /** The CA (PEM) that issued the server's certificate: what a client must trust. */
  caPem: string;
  close(): Promise<void>;
}

/** A server certificate for IP 0.0.0.0 and 127.0.0.1 issued by a fresh CA `<name>-ca` in `dir`. */
async function serverCertificate(dir: string, name: string): Promise<{ key: string; cert: string; ca: string }> {
  await makeCa(dir, `${name}-ca`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(
    ext,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:0.0.0.0,IP:127.0.0.1\n',
  );
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, `${name}.key`)]);
  await run('openssl', ['req', '-new', '-key', join(dir, `${name}.key`), '-subj', `/O=Acme/CN=${name}`, '-out', join(dir, `${name}.csr`)]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    join(dir, `${name}-ca.pem`),
    '-CAkey',
    join(dir, `${name}-ca.key`),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    join(dir, `${name}.pem`),
  ]);
  const [key, cert, ca] = await Promise.all([`${name}.key`, `${name}.pem`, `${name}-ca.pem`].map((f) => readFile(join(dir, f), 'utf8')));
  return { key: key!, cert: cert!, ca: ca! };
}

/** Serves https on 127.0.0.1, passing every request to `target` (`host:port`, plain http). */
export async function startTlsFront(target: string, dir: string, name: string): Promise<TlsFront> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const pki = await serverCertificate(dir, name);
  const server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const upstream = httpRequest(
      { host: targetHost, port: Number(targetPort), path: req.url, method: req.method, headers: { ...req.headers, host: target } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `0.0.0.0:${port}`,
    url: `https://0.0.0.0:${port}`,
    caPem: pki.ca,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
