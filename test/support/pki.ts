// Certificates made by the real openssl for tests: an organisation's CA chain (the SignPath case) and
// leaves with chosen validity (a certificate already expired when it signs), which a real Fulcio
// never issues.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A P-256 self-signed certificate for `subject`, valid `days`: the paths of `<dir>/<name>.pem` and
 * its key `<name>.key`; `extra` adds `openssl req` flags (an extension, multi-valued RDNs).
 */
export async function makeSelfSigned(dir: string, name: string, subject: string, extra: string[] = [], days = 2): Promise<{ key: string; cert: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    String(days),
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    subject,
    ...extra,
  ]);
  return { key, cert };
}

/** A P-256 CA certificate `<dir>/<name>.pem` (key `<name>.key`), self-signed or issued by `issuer`. */
export async function makeCa(dir: string, name: string, issuer?: string): Promise<void> {
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, `${name}.key`)]);
  await run('openssl', ['req', '-new', '-key', join(dir, `${name}.key`), '-subj', `/O=Acme/CN=${name}`, '-out', join(dir, `${name}.csr`)]);
  const signer = issuer ? ['-CA', join(dir, `${issuer}.pem`), '-CAkey', join(dir, `${issuer}.key`), '-CAcreateserial'] : ['-signkey', join(dir, `${name}.key`)];
  await run('openssl', ['x509', '-req', '-in', join(dir, `${name}.csr`), ...signer, '-days', '30', '-extfile', ext, '-out', join(dir, `${name}.pem`)]);
}

export interface LeafOptions {
  email: string;
  /** The OIDC issuer in Fulcio's extension 1.3.6.1.4.1.57264.1.8, to look like a Fulcio certificate. */
  oidcIssuer?: string;
  /** Validity window; without one the leaf is valid from now for 7 days. */
  validity?: { notBefore: Date; notAfter: Date };
}

const opensslTime = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** A P-256 code-signing leaf `<dir>/<name>.pem` (key `<name>.key`) issued by the CA `issuer`. */
export async function makeLeaf(dir: string, name: string, issuer: string, opts: LeafOptions): Promise<void> {
  const ext = join(dir, `${name}.ext`);
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=codeSigning',
    `subjectAltName=email:${opts.email}`,
  ];
  if (opts.oidcIssuer) lines.push(`1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${opts.oidcIssuer}`);
  await writeFile(ext, `${lines.join('\n')}\n`);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, `${name}.key`)]);
  await run('openssl', ['req', '-new', '-key', join(dir, `${name}.key`), '-subj', `/O=Acme/CN=${name}`, '-out', join(dir, `${name}.csr`)]);
  const caArgs = ['-in', join(dir, `${name}.csr`), '-extfile', ext, '-out', join(dir, `${name}.pem`)];
  if (!opts.validity) {
    await run('openssl', ['x509', '-req', ...caArgs, '-CA', join(dir, `${issuer}.pem`), '-CAkey', join(dir, `${issuer}.key`), '-CAcreateserial', '-days', '7']);
    return;
  }
  // `openssl x509` cannot date a certificate in the past; `openssl ca` can, with a throwaway database.
  const db = join(dir, `${name}-ca-db`);
  await run('mkdir', ['-p', db]);
  await writeFile(join(db, 'index.txt'), '');
  await writeFile(join(db, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
  const cnf = join(db, 'ca.cnf');
  await writeFile(
    cnf,
    `[ca]\ndefault_ca=t\n[t]\ndatabase=${db}/index.txt\nnew_certs_dir=${db}\nserial=${db}/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=optional\norganizationName=optional\n`,
  );
  await run('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    cnf,
    '-cert',
    join(dir, `${issuer}.pem`),
    '-keyfile',
    join(dir, `${issuer}.key`),
    '-startdate',
    opensslTime(opts.validity.notBefore),
    '-enddate',
    opensslTime(opts.validity.notAfter),
    ...caArgs,
  ]);
}
