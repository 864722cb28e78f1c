// The Sigstore trust root for a run: a trusted_root.json file, a TUF repository (mirror + root, as
// `cosign initialize` takes them), or the production root embedded in @sigstore/tuf; then cosign's
// per-service environment overrides. Loaded once per run, before any image.
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { toTrustMaterial } from '@sigstore/verify';
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import { EnvironmentError, InputError, errorMessage } from '../errors.ts';
import { isRecord } from '../util/json-shapes.ts';
import { pemCertificateBlocks } from '../util/pem.ts';

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
  if (!target)
    throw new EnvironmentError('TRUST_ROOT_MISSING', '@sigstore/tuf ships no embedded trusted_root.json; pass --trusted-root', { value: 'seeds.json' });
  return JSON.parse(Buffer.from(target, 'base64').toString('utf8')) as Root;
}

/** A file named by a flag or variable, read; a missing or unreadable one is bad input naming both. */
async function readNamed(path: string, origin: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError('TRUST_ROOT_UNREADABLE', `${origin} ${path}: ${errorMessage(err)}`, { value: origin, cause: err });
  }
}

async function readJson(path: string, origin: string): Promise<Root> {
  const text = await readNamed(path, origin);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError('TRUST_ROOT_INVALID', `${origin} ${path}: not JSON (${errorMessage(err)})`, { value: origin, cause: err });
  }
  if (!isRecord(json)) {
    throw new InputError('TRUST_ROOT_INVALID', `${origin} ${path}: not a JSON object`, { value: origin });
  }
  return json;
}

async function pemCertificates(path: string, origin: string): Promise<X509Certificate[]> {
  const blocks = pemCertificateBlocks(await readNamed(path, origin));
  if (blocks.length === 0) throw new InputError('TRUST_ROOT_INVALID', `${origin} ${path}: no PEM certificates`, { value: origin });
  return blocks.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch (err) {
      throw new InputError('TRUST_ROOT_INVALID', `${origin} ${path}: certificate ${i + 1} does not parse (${errorMessage(err)})`, {
        value: origin,
        cause: err,
      });
    }
  });
}

async function pemPublicKey(path: string, origin: string): Promise<string> {
  const pem = await readNamed(path, origin);
  try {
    createPublicKey(pem);
  } catch (err) {
    throw new InputError('TRUST_ROOT_INVALID', `${origin} ${path}: not a PEM public key (${errorMessage(err)})`, { value: origin, cause: err });
  }
  return pem;
}

function keyDetails(pem: string): { der: Buffer; details: string } {
  const key = createPublicKey(pem);
  const der = key.export({ type: 'spki', format: 'der' });
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const details =
    key.asymmetricKeyType === 'ed25519'
      ? 'PKIX_ED25519'
      : key.asymmetricKeyType === 'rsa'
        ? 'PKIX_RSA_PKCS1V15_2048_SHA256'
        : curve === 'secp384r1'
          ? 'PKIX_ECDSA_P384_SHA_384'
          : 'PKIX_ECDSA_P256_SHA_256';
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
      const start = (log as { publicKey?: { validFor?: { start?: unknown } } } | null)?.publicKey?.validFor?.start;
      if (typeof start !== 'string' || start === '') {
        throw new InputError(
          'TRUST_ROOT_INCOMPLETE',
          `${origin}: ${field}[${i}].publicKey.validFor.start is missing; a trusted log key needs a start of validity`,
          { value: origin },
        );
      }
    });
  }
}

/**
 * The parts sigstore-js builds its trust material from must parse: a garbled key or certificate is
 * a configuration error of the run, not a failed signature on every image.
 */
function assertTrustedRootUsable(root: Root, origin: string): void {
  assertTrustedRootComplete(root, origin);
  let material: ReturnType<typeof toTrustMaterial>;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(root));
  } catch (err) {
    throw new InputError('TRUST_ROOT_INVALID', `${origin}: not a usable Sigstore trusted root (${errorMessage(err)})`, { value: origin, cause: err });
  }
  const { tlogs, ctlogs, certificateAuthorities, timestampAuthorities } = material;
  if (tlogs.length + ctlogs.length + certificateAuthorities.length + timestampAuthorities.length === 0) {
    throw new InputError('TRUST_ROOT_INVALID', `${origin}: the trusted root lists no transparency log, CT log, certificate authority or timestamp authority`, {
      value: origin,
    });
  }
}

/** A TUF root.json is checked locally before any mirror is asked. */
async function assertTufRoot(path: string): Promise<void> {
  const root = await readJson(path, '--tuf-root');
  const signed = root.signed as { _type?: unknown } | undefined;
  if (signed?._type !== 'root' || !Array.isArray(root.signatures)) {
    throw new InputError('TRUST_ROOT_INVALID', `--tuf-root ${path}: not a TUF root.json (signed._type "root" and signatures expected)`, {
      value: '--tuf-root',
    });
  }
}

async function fromTuf(opts: TrustRootOptions, mirror: string): Promise<Root> {
  if (mirror !== DEFAULT_TUF_MIRROR && !opts.tufRoot) {
    throw new InputError('TUF_ROOT_MISSING', `--tuf-mirror ${mirror} needs --tuf-root (the repository's initial root.json), as cosign initialize does`, {
      value: '--tuf-mirror',
    });
  }
  if (opts.tufRoot) await assertTufRoot(opts.tufRoot);
  try {
    const tr = await getTrustedRoot({
      mirrorURL: mirror,
      ...(opts.tufRoot ? { rootPath: opts.tufRoot } : {}),
      cachePath: join(opts.cacheDir, 'tuf', encodeURIComponent(mirror)),
      forceInit: true,
    });
    return TrustedRoot.toJSON(tr) as Root;
  } catch (err) {
    throw new EnvironmentError('TUF_FAILED', `--tuf-mirror ${mirror}: could not obtain trusted_root.json from the TUF repository: ${errorMessage(err)}`, {
      value: '--tuf-mirror',
      cause: err,
    });
  }
}

/**
 * The run's trust root, every configured piece checked: each failure names the flag or variable
 * at fault (exit 2 for a file, 3 for an unreachable TUF mirror). The run loads it first, inside --timeout.
 */
export async function loadTrustedRoot(opts: TrustRootOptions): Promise<Root> {
  let root: Root;
  const origins: string[] = [];
  if (opts.trustedRootFile) {
    root = await readJson(opts.trustedRootFile, '--trusted-root');
    assertTrustedRootUsable(root, `--trusted-root ${opts.trustedRootFile}`);
    origins.push('--trusted-root');
  } else if (opts.tufMirror) {
    root = await fromTuf(opts, opts.tufMirror);
    origins.push(`--tuf-mirror ${opts.tufMirror}`);
  } else {
    root = embeddedRoot();
  }
  const env = opts.env;
  // cosign's overrides: each replaces one service's material.
  if (env.SIGSTORE_REKOR_PUBLIC_KEY) {
    const pem = await pemPublicKey(env.SIGSTORE_REKOR_PUBLIC_KEY, 'SIGSTORE_REKOR_PUBLIC_KEY');
    root = { ...root, tlogs: [logEntry(pem, opts.rekorUrl ?? PRODUCTION_REKOR)] };
    origins.push('SIGSTORE_REKOR_PUBLIC_KEY');
  }
  if (env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE) {
    const pem = await pemPublicKey(env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, 'SIGSTORE_CT_LOG_PUBLIC_KEY_FILE');
    root = { ...root, ctlogs: [logEntry(pem, 'https://ctfe.local')] };
    origins.push('SIGSTORE_CT_LOG_PUBLIC_KEY_FILE');
  }
  if (env.SIGSTORE_ROOT_FILE) {
    root = { ...root, certificateAuthorities: [authority(await pemCertificates(env.SIGSTORE_ROOT_FILE, 'SIGSTORE_ROOT_FILE'), 'https://fulcio.local')] };
    origins.push('SIGSTORE_ROOT_FILE');
  }
  if (env.SIGSTORE_TSA_CERTIFICATE_FILE) {
    root = {
      ...root,
      timestampAuthorities: [authority(await pemCertificates(env.SIGSTORE_TSA_CERTIFICATE_FILE, 'SIGSTORE_TSA_CERTIFICATE_FILE'), 'https://tsa.local')],
    };
    origins.push('SIGSTORE_TSA_CERTIFICATE_FILE');
  }
  if (origins.length > 0) assertTrustedRootUsable(root, `the trust root from ${origins.join(', ')}`);
  return root;
}
