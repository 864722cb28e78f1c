// `--vsa` and its flags (conforma/cli a1833841 cmd/validate/image.go: --vsa, --attestation-format,
// --vsa-signing-key, --vsa-upload `backend@url`, --attestation-output-dir) → one checked VsaConfig.
// Stricter than ec where ec guesses: a VSA flag without --vsa, a signing key with an unsigned
// format, a run that would write its VSAs nowhere, an unknown backend or a backend parameter are
// refused before anything is verified (docs/compatibility.md).
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { makeDirectory } from '../util/files.ts';
import type { AttestationFormat, VsaPredicateKind } from '../model/vsa.ts';
import type { ValidateImageFlags } from './validate-image-flags.ts';

type VsaConfigErrorCode = 'VSA_FLAGS' | 'VSA_UPLOAD_INVALID' | 'VSA_SIGNING_KEY_UNREADABLE';

declare module '../errors.ts' {
  interface ErrorCodes {
    vsaConfig: VsaConfigErrorCode;
  }
}

export type VsaUpload = { backend: 'local'; dir: string } | { backend: 'rekor'; url: string } | { backend: 'oci' };

type VsaSigning = { kind: 'key'; keyFile: string; password?: string } | { kind: 'keyless'; fulcioUrl: string; rekorUrl: string; tokenFile?: string };

export interface VsaConfig {
  format: AttestationFormat;
  predicate: VsaPredicateKind;
  /** Absent for `--attestation-format predicate` (nothing is signed). */
  signing?: VsaSigning;
  uploads: VsaUpload[];
  /** --attestation-output-dir, absolute. */
  outputDir?: string;
}

const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR = 'https://rekor.sigstore.dev';

const VSA_STRING_FLAGS = ['vsa-signing-key', 'vsa-identity-token', 'vsa-fulcio-url', 'attestation-output-dir'] as const;

function refuse(flag: string, why: string): InputError {
  return new InputError('VSA_FLAGS', `--${flag}: ${why}`, { value: `--${flag}` });
}

/** A value that is the next flag (`--vsa-signing-key --image x`) is a missing value, not a file name. */
function assertNotOptionLike(flag: string, value: string): void {
  if (value.startsWith('-')) throw refuse(flag, `${JSON.stringify(value)} looks like a flag, not a value (write ./${value} for a file of that name)`);
}

/** `https://…`, or `http://` to a loopback host only (a test stack): credentials and tokens never go over plain HTTP elsewhere. */
function serviceUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(flag, `${JSON.stringify(text)} is not a URL`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw refuse(flag, `${JSON.stringify(text)}: only https URLs (or http to a loopback host)`);
  if (url.username || url.password || url.search || url.hash) throw refuse(flag, `${JSON.stringify(text)}: no credentials, query or fragment`);
  return url.toString().replace(/\/$/, '');
}

/** One `--vsa-upload` entry: `local@DIR`, `rekor@URL` or `oci` (ec's `backend@url` syntax, no `?params`). */
export function parseVsaUpload(entry: string, cwd: string): VsaUpload {
  assertNotOptionLike('vsa-upload', entry);
  const at = entry.indexOf('@');
  const backend = at === -1 ? entry : entry.slice(0, at);
  const target = at === -1 ? '' : entry.slice(at + 1);
  const bad = (why: string): InputError => new InputError('VSA_UPLOAD_INVALID', `--vsa-upload ${JSON.stringify(entry)}: ${why}`, { value: entry });
  switch (backend) {
    case 'local':
      if (target === '') throw bad('local needs a directory: local@DIR');
      if (target.includes('?')) throw bad('backend parameters (?…) are not supported');
      return { backend: 'local', dir: resolve(cwd, target) };
    case 'rekor':
      if (target === '') throw bad('rekor needs a URL: rekor@https://rekor.example');
      return { backend: 'rekor', url: serviceUrl('vsa-upload', target) };
    case 'oci':
      if (target !== '') throw bad('oci attaches to each component image and takes no target: write oci');
      return { backend: 'oci' };
    default:
      throw bad(`unknown backend ${JSON.stringify(backend)}: use local@DIR, rekor@URL or oci`);
  }
}

/** Every VSA flag given without --vsa, named. */
function strayFlags(flags: ValidateImageFlags): string[] {
  const set = [
    ...VSA_STRING_FLAGS.filter((f) => flags[f] !== ''),
    ...(flags['vsa-upload'].length > 0 ? ['vsa-upload'] : []),
    ...(flags['vsa-keyless'] ? ['vsa-keyless'] : []),
  ];
  if (flags['attestation-format'] !== 'dsse') set.push('attestation-format');
  if (flags['vsa-predicate'] !== 'slsa') set.push('vsa-predicate');
  return set;
}

async function signingKeyFile(flag: string, value: string, cwd: string): Promise<string> {
  const file = isAbsolute(value) ? value : resolve(cwd, value);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new InputError('VSA_SIGNING_KEY_UNREADABLE', `--${flag} ${value}: no such file`, { value: `--${flag}` });
  if (!info.isFile()) throw new InputError('VSA_SIGNING_KEY_UNREADABLE', `--${flag} ${value}: not a regular file`, { value: `--${flag}` });
  return file;
}

async function signing(flags: ValidateImageFlags, env: NodeJS.ProcessEnv, cwd: string, uploads: VsaUpload[]): Promise<VsaSigning> {
  const key = flags['vsa-signing-key'];
  if (key !== '' && flags['vsa-keyless']) throw refuse('vsa-keyless', 'sign with a key (--vsa-signing-key) or keyless (--vsa-keyless), not both');
  if (key !== '') {
    const password = env.COSIGN_PASSWORD;
    return { kind: 'key', keyFile: await signingKeyFile('vsa-signing-key', key, cwd), ...(password !== undefined ? { password } : {}) };
  }
  if (flags['vsa-keyless']) {
    const rekor = uploads.find((u) => u.backend === 'rekor');
    const token = flags['vsa-identity-token'];
    return {
      kind: 'keyless',
      fulcioUrl: serviceUrl('vsa-fulcio-url', flags['vsa-fulcio-url'] || PUBLIC_FULCIO),
      rekorUrl: rekor?.url ?? PUBLIC_REKOR,
      ...(token !== '' ? { tokenFile: await signingKeyFile('vsa-identity-token', token, cwd) } : {}),
    };
  }
  throw refuse(
    'vsa-signing-key',
    '--attestation-format dsse signs each VSA: pass --vsa-signing-key KEY or --vsa-keyless (or --attestation-format predicate for unsigned predicates)',
  );
}

/** Made now: a run must not verify for minutes, then fail to write its VSAs. */
async function usableDirectory(flag: string, dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
  } catch (err) {
    throw new InputError('VSA_FLAGS', `--${flag} ${dir}: cannot be made a directory (${errorMessage(err)})`, { value: `--${flag}` });
  }
}

/** The run's VSA settings; undefined without --vsa (and then no VSA flag may be set). */
export async function vsaConfig(flags: ValidateImageFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<VsaConfig | undefined> {
  if (!flags.vsa) {
    const stray = strayFlags(flags);
    if (stray.length > 0) throw refuse(stray[0]!, 'has no effect without --vsa');
    return undefined;
  }
  for (const f of VSA_STRING_FLAGS) if (flags[f] !== '') assertNotOptionLike(f, flags[f]);
  const format = flags['attestation-format'];
  if (format !== 'dsse' && format !== 'predicate') throw refuse('attestation-format', `${JSON.stringify(format)} is not dsse or predicate`);
  const predicate = flags['vsa-predicate'];
  if (predicate !== 'slsa' && predicate !== 'conforma') throw refuse('vsa-predicate', `${JSON.stringify(predicate)} is not slsa or conforma`);
  const uploads = flags['vsa-upload'].map((u) => parseVsaUpload(u, cwd));
  const outputDir = flags['attestation-output-dir'] === '' ? undefined : resolve(cwd, flags['attestation-output-dir']);
  if (outputDir) await usableDirectory('attestation-output-dir', outputDir);
  for (const u of uploads) if (u.backend === 'local') await usableDirectory('vsa-upload', u.dir);
  if (uploads.length === 0 && outputDir === undefined)
    throw refuse('vsa', 'the VSAs would be written nowhere: pass --attestation-output-dir DIR or --vsa-upload (local@DIR, rekor@URL, oci)');
  if (format === 'predicate') {
    for (const f of ['vsa-signing-key', 'vsa-identity-token', 'vsa-fulcio-url'] as const)
      if (flags[f] !== '') throw refuse(f, 'an unsigned predicate (--attestation-format predicate) is not signed');
    if (flags['vsa-keyless']) throw refuse('vsa-keyless', 'an unsigned predicate (--attestation-format predicate) is not signed');
    const remote = uploads.find((u) => u.backend !== 'local');
    if (remote)
      throw refuse('vsa-upload', `${remote.backend} stores signed attestations only; an unsigned predicate goes to local@DIR or --attestation-output-dir`);
    return { format, predicate, uploads, ...(outputDir ? { outputDir } : {}) };
  }
  if (!flags['vsa-keyless'] && (flags['vsa-identity-token'] !== '' || flags['vsa-fulcio-url'] !== '')) {
    throw refuse(flags['vsa-identity-token'] !== '' ? 'vsa-identity-token' : 'vsa-fulcio-url', 'is for keyless signing: add --vsa-keyless');
  }
  return { format, predicate, signing: await signing(flags, env, cwd, uploads), uploads, ...(outputDir ? { outputDir } : {}) };
}
