// The Sigstore trust root for a run: a trusted_root.json file, a TUF repository (mirror + root, as
// `cosign initialize` takes them), or the production root embedded in @sigstore/tuf; then cosign's
// per-service environment overrides. Loaded once, only when a check needs it.
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import { EnvironmentError, InputError, errorMessage } from '../errors.ts';

export const DEFAULT_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
const PRODUCTION_REKOR = 'https://rekor.sigstore.dev';

export interface TrustRootOptions {
  trustedRootFile?: string;
  tufMirror?: string;
  tufRoot?: string;
  rekorUrl?: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

type Root = Record<string, unknown>;

function embeddedRoot(): Root {
  const target = (seeds as Record<string, { targets: Record<string, string> }>)[DEFAULT_TUF_MIRROR]?.targets['trusted_root.json'];
  if (!target) throw new EnvironmentError('TRUST_ROOT_MISSING', '@sigstore/tuf ships no embedded trusted_root.json; pass --trusted-root', { value: 'seeds.json' });
  return JSON.parse(Buffer.from(target, 'base64').toString('utf8')) as Root;
}

async function readJson(path: string, what: string): Promise<Root> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Root;
  } catch (err) {
    throw new InputError('TRUST_ROOT_UNREADABLE', `${what} ${path}: ${errorMessage(err)}`, { value: path });
  }
}

const PEM_CERTS = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

async function pemCertificates(path: string, what: string): Promise<X509Certificate[]> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new InputError('TRUST_ROOT_UNREADABLE', `${what} ${path}: ${errorMessage(err)}`, { value: path });
  });
  const certs = (text.match(PEM_CERTS) ?? []).map((p) => new X509Certificate(p));
  if (certs.length === 0) throw new InputError('TRUST_ROOT_UNREADABLE', `${what} ${path}: no PEM certificates`, { value: path });
  return certs;
}

function keyDetails(pem: string): { der: Buffer; details: string } {
  const key = createPublicKey(pem);
  const der = key.export({ type: 'spki', format: 'der' });
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const details =
    key.asymmetricKeyType === 'ed25519' ? 'PKIX_ED25519' : key.asymmetricKeyType === 'rsa' ? 'PKIX_RSA_PKCS1V15_2048_SHA256' : curve === 'secp384r1' ? 'PKIX_ECDSA_P384_SHA_384' : 'PKIX_ECDSA_P256_SHA_256';
  return { der, details };
}

function logEntry(pem: string, baseUrl: string): Root {
  const { der, details } = keyDetails(pem);
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: der.toString('base64'), keyDetails: details, validFor: { start: '1970-01-01T00:00:00Z' } },
    logId: { keyId: createHash('sha256').update(der).digest('base64') },
  };
}

/** A CA from a PEM bundle: self-signed certificates are roots, the others intermediates. */
function authority(certs: X509Certificate[], uri: string): Root {
  const ordered = [...certs.filter((c) => c.subject !== c.issuer), ...certs.filter((c) => c.subject === c.issuer)];
  return {
    subject: { organization: 'local', commonName: uri },
    uri,
    certChain: { certificates: ordered.map((c) => ({ rawBytes: c.raw.toString('base64') })) },
    validFor: { start: '1970-01-01T00:00:00Z' },
  };
}

/**
 * A log key with no start of validity is refused (sigstore-js would treat it as valid since the
 * beginning of time; the sigstore-conformance suite requires a rejection).
 */
export function assertTrustedRootComplete(root: unknown, origin: string): void {
  for (const field of ['tlogs', 'ctlogs'] as const) {
    const logs = (root as Record<string, unknown> | null)?.[field];
    if (!Array.isArray(logs)) continue;
    logs.forEach((log: unknown, i) => {
      const start = (log as { publicKey?: { validFor?: { start?: unknown } } })?.publicKey?.validFor?.start;
      if (typeof start !== 'string' || start === '') {
        throw new InputError('TRUST_ROOT_INCOMPLETE', `${origin}: ${field}[${i}].publicKey.validFor.start is missing; a trusted log key needs a start of validity`, { value: origin });
      }
    });
  }
}

export async function loadTrustedRoot(opts: TrustRootOptions): Promise<Root> {
  let root: Root;
  if (opts.trustedRootFile) {
    root = await readJson(opts.trustedRootFile, '--trusted-root');
    assertTrustedRootComplete(root, opts.trustedRootFile);
  } else if (opts.tufMirror) {
    if (opts.tufMirror !== DEFAULT_TUF_MIRROR && !opts.tufRoot) {
      throw new InputError('TUF_ROOT_MISSING', `--tuf-mirror ${opts.tufMirror} needs --tuf-root (the repository's initial root.json), as cosign initialize does`, { value: opts.tufMirror });
    }
    try {
      const tr = await getTrustedRoot({
        mirrorURL: opts.tufMirror,
        ...(opts.tufRoot ? { rootPath: opts.tufRoot } : {}),
        cachePath: join(opts.cacheDir, 'tuf', encodeURIComponent(opts.tufMirror)),
        forceInit: true,
      });
      root = TrustedRoot.toJSON(tr) as Root;
    } catch (err) {
      throw new EnvironmentError('TUF_FAILED', `could not obtain trusted_root.json from the TUF repository at ${opts.tufMirror}: ${errorMessage(err)}`, { value: opts.tufMirror });
    }
  } else {
    root = embeddedRoot();
  }
  const env = opts.env;
  // cosign's overrides: each replaces one service's material.
  if (env.SIGSTORE_REKOR_PUBLIC_KEY) {
    const pem = await readFile(env.SIGSTORE_REKOR_PUBLIC_KEY, 'utf8');
    root = { ...root, tlogs: [logEntry(pem, opts.rekorUrl ?? PRODUCTION_REKOR)] };
  }
  if (env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE) {
    const pem = await readFile(env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, 'utf8');
    root = { ...root, ctlogs: [logEntry(pem, 'https://ctfe.local')] };
  }
  if (env.SIGSTORE_ROOT_FILE) {
    root = { ...root, certificateAuthorities: [authority(await pemCertificates(env.SIGSTORE_ROOT_FILE, 'SIGSTORE_ROOT_FILE'), 'https://fulcio.local')] };
  }
  if (env.SIGSTORE_TSA_CERTIFICATE_FILE) {
    root = { ...root, timestampAuthorities: [authority(await pemCertificates(env.SIGSTORE_TSA_CERTIFICATE_FILE, 'SIGSTORE_TSA_CERTIFICATE_FILE'), 'https://tsa.local')] };
  }
  return root;
}

/** Loads once, on first use. */
export function lazyTrustedRoot(opts: TrustRootOptions): () => Promise<Root> {
  let p: Promise<Root> | undefined;
  return () => (p ??= loadTrustedRoot(opts));
}
