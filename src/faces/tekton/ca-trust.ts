// The cluster's CA certificates for every https connection of the step: registries, the TUF mirror,
// https policy sources (Node's fetch) and git policy sources (git's own TLS). ec is Go and reads
// them the way Go's crypto/x509 does (src/crypto/x509/root_unix.go): every file of every directory
// in SSL_CERT_DIR (`:`-separated), and SSL_CERT_FILE. ec's task sets SSL_CERT_DIR to Tekton's
// certificate directories plus its SSL_CERT_DIR param, and mounts the CA_TRUST ConfigMap's bundle
// in one of them. Node reads neither variable, and NODE_EXTRA_CA_CERTS only when the process
// starts; so the step reads the same files itself and adds their certificates to the roots Node
// already trusts (tls.setDefaultCACertificates, before any connection), with no re-exec. git gets
// the whole set as GIT_SSL_CAINFO.
import { X509Certificate } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { errorMessage } from '../../errors.ts';
import { makeDirectory } from '../../util/files.ts';
import { pemCertificateBlocks } from '../../util/pem.ts';

/** The directories ec's task puts before its SSL_CERT_DIR param (Tekton's own): silent when absent. */
const TEKTON_CERT_DIRS = ['/tekton-custom-certs', '/etc/ssl/certs', '/etc/pki/tls/certs', '/system/etc/security/cacerts'];

/** A certificate file larger than this is not a CA bundle (Mozilla's whole bundle is ~220 KiB). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Entries read per directory, and certificates kept in all: a directory is not a dump. */
const MAX_ENTRIES = 10_000;
const MAX_CERTIFICATES = 10_000;

export interface CaCollection {
  /** PEM certificates not yet trusted by Node, each once. */
  certificates: string[];
  /** What the step tells its log: where certificates came from, and what was skipped. */
  notes: string[];
}

/** The certificates in one file; a file holding none (a token, a README) is not a certificate file. */
async function certificatesIn(path: string, notes: string[]): Promise<X509Certificate[]> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) return [];
    if (info.size > MAX_FILE_BYTES) {
      notes.push(`${path}: ${info.size} bytes is over the ${MAX_FILE_BYTES}-byte limit for a certificate file: skipped`);
      return [];
    }
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const out: X509Certificate[] = [];
  pemCertificateBlocks(text).forEach((pem, i) => {
    try {
      out.push(new X509Certificate(pem));
    } catch (err) {
      notes.push(`${path}: certificate ${i + 1} does not parse (${errorMessage(err)}): skipped`);
    }
  });
  return out;
}

async function filesIn(dir: string, notes: string[], quiet: boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    if (!quiet) notes.push(`SSL_CERT_DIR: ${dir} does not exist or cannot be read: no certificates from it`);
    return [];
  }
  if (names.length > MAX_ENTRIES) notes.push(`SSL_CERT_DIR: ${dir} has ${names.length} entries; only the first ${MAX_ENTRIES} are read`);
  // Dot entries of a ConfigMap volume are Kubernetes' bookkeeping (`..data`, dated directories);
  // its files are links into them, followed here (Go omits links that stay inside the directory).
  return names
    .filter((n) => !n.startsWith('.'))
    .sort()
    .slice(0, MAX_ENTRIES)
    .map((n) => join(dir, n));
}

/**
 * The certificates of SSL_CERT_FILE and of every file in SSL_CERT_DIR that Node does not trust
 * yet. Unreadable or garbled files are skipped with a note: trusting fewer roots can only make a
 * connection fail, never pass.
 */
export async function collectCaCertificates(env: NodeJS.ProcessEnv, trusted: readonly string[] = getCACertificates('default')): Promise<CaCollection> {
  const notes: string[] = [];
  const seen = new Set(trusted.map((pem) => new X509Certificate(pem).fingerprint256));
  const certificates: string[] = [];
  /** Adds the new certificates of `paths`; says how many came from `origin`. */
  const take = async (paths: string[], origin: string): Promise<void> => {
    let added = 0;
    for (const path of paths) {
      for (const cert of await certificatesIn(path, notes)) {
        if (seen.has(cert.fingerprint256) || certificates.length >= MAX_CERTIFICATES) continue;
        seen.add(cert.fingerprint256);
        certificates.push(cert.toString());
        added++;
      }
    }
    if (added > 0) notes.push(`${origin}: ${added} CA certificate(s) trusted for https`);
  };
  const file = (env.SSL_CERT_FILE ?? '').trim();
  if (file !== '') await take([file], `SSL_CERT_FILE ${file}`);
  for (const dir of (env.SSL_CERT_DIR ?? '').split(':').filter((d) => d.trim() !== '')) {
    await take(await filesIn(dir, notes, TEKTON_CERT_DIRS.includes(dir)), `SSL_CERT_DIR ${dir}`);
  }
  return { certificates, notes };
}

/**
 * Trusts `certificates` besides Node's roots for every later TLS connection of this thread, and
 * returns the environment for child processes: GIT_SSL_CAINFO names a bundle of all of them (git
 * reads one file, which replaces its defaults), unless the caller set one.
 */
export async function trustCertificates(certificates: string[], env: NodeJS.ProcessEnv, dir: string): Promise<NodeJS.ProcessEnv> {
  if (certificates.length === 0) return env;
  const all = [...getCACertificates('default'), ...certificates];
  setDefaultCACertificates(all);
  if (env.GIT_SSL_CAINFO) return env;
  await makeDirectory(dir);
  const bundle = join(dir, 'ca-bundle.pem');
  await writeFile(bundle, `${all.map((pem) => pem.trim()).join('\n')}\n`);
  return { ...env, GIT_SSL_CAINFO: bundle };
}
