// Registry credentials from docker/podman config files and credential helpers. Credentials are
// only ever placed in Authorization headers: never logged, never in error messages.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { isRecord } from '../util/json-shapes.ts';

export type Credential =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (docker `identitytoken`). */
  | { kind: 'identity-token'; username: string; token: string }
  /** A bearer token to send as is (docker `registrytoken`). */
  | { kind: 'registry-token'; token: string };

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfig {
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

const ENTRY_FIELDS = ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const;
/** A credential helper is a program on PATH named `docker-credential-<name>`: never a path. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * One config file (docker's config.json, podman's auth.json). Empty is no config; anything that is
 * not the documented shape is an InputError naming the file and field (docker refuses such files too).
 */
export function parseDockerConfig(text: string, path: string): DockerConfig {
  const bad = (field: string, why: string): never => {
    throw new InputError('INVALID_REGISTRY_AUTH_FILE', `${path}: ${field} ${why}`, { value: path });
  };
  if (text.trim() === '') return { auths: {}, credHelpers: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault: it could quote a password.
    return bad('the file', 'is not JSON');
  }
  if (!isRecord(raw)) return bad('the file', 'is not a JSON object');
  const auths: Record<string, AuthEntry> = {};
  if (raw.auths !== undefined && raw.auths !== null) {
    if (!isRecord(raw.auths)) bad('auths', 'is not an object');
    for (const [key, entry] of Object.entries(raw.auths as Record<string, unknown>)) {
      if (!isRecord(entry)) bad(`auths[${JSON.stringify(key)}]`, 'is not an object');
      const out: AuthEntry = {};
      for (const field of ENTRY_FIELDS) {
        const v = (entry as Record<string, unknown>)[field];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string') bad(`auths[${JSON.stringify(key)}].${field}`, 'is not a string');
        out[field] = v as string;
      }
      Object.defineProperty(auths, key, { value: out, enumerable: true });
    }
  }
  const credHelpers: Record<string, string> = {};
  if (raw.credHelpers !== undefined && raw.credHelpers !== null) {
    if (!isRecord(raw.credHelpers)) bad('credHelpers', 'is not an object');
    for (const [key, helper] of Object.entries(raw.credHelpers as Record<string, unknown>)) {
      if (typeof helper !== 'string' || !HELPER_NAME.test(helper)) bad(`credHelpers[${JSON.stringify(key)}]`, 'is not a credential helper name');
      Object.defineProperty(credHelpers, key, { value: helper, enumerable: true });
    }
  }
  const store = raw.credsStore;
  if (store !== undefined && store !== null && store !== '' && (typeof store !== 'string' || !HELPER_NAME.test(store)))
    bad('credsStore', 'is not a credential helper name');
  return { auths, credHelpers, ...(typeof store === 'string' && store !== '' ? { credsStore: store } : {}) };
}

const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** Config files in the order docker, podman and skopeo consult them. */
function configPaths(env: NodeJS.ProcessEnv): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) paths.push(join(env.DOCKER_CONFIG, 'config.json'));
  if (env.HOME) paths.push(join(env.HOME, '.docker', 'config.json'));
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  return paths;
}

function keysFor(registry: string): string[] {
  if (DOCKER_HUB_KEYS.includes(registry)) return DOCKER_HUB_KEYS;
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

function fromEntry(entry: AuthEntry): Credential | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon !== -1) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  if (entry.identitytoken) return { kind: 'identity-token', username: username ?? '<token>', token: entry.identitytoken };
  if (username !== undefined && password !== undefined && username !== '') return { kind: 'basic', username, password };
  return undefined;
}

/** Runs `docker-credential-<helper> get` (the docker credential-helper protocol). */
function fromHelper(helper: string, registry: string): Promise<Credential | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10_000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown } | null;
        const secret = parsed?.Secret;
        const username = typeof parsed?.Username === 'string' ? parsed.Username : '';
        if (typeof secret !== 'string' || secret === '') return resolve(undefined);
        resolve(username === '<token>' ? { kind: 'identity-token', username, token: secret } : { kind: 'basic', username, password: secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(DOCKER_HUB_KEYS.includes(registry) ? 'https://index.docker.io/v1/' : registry);
  });
}

/** Finds the credential for a registry host; anonymous when no config names it. */
export async function lookupCredential(registry: string, env: NodeJS.ProcessEnv): Promise<Credential> {
  for (const path of configPaths(env)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const config = parseDockerConfig(text, path);
    const keys = keysFor(registry);
    const helper = keys.map((k) => (Object.hasOwn(config.credHelpers, k) ? config.credHelpers[k] : undefined)).find((h) => h);
    if (helper) {
      const cred = await fromHelper(helper, registry);
      if (cred) return cred;
    }
    for (const key of keys) {
      const entry = Object.hasOwn(config.auths, key) ? config.auths[key] : undefined;
      const cred = entry ? fromEntry(entry) : undefined;
      if (cred) return cred;
    }
    if (config.credsStore) {
      const cred = await fromHelper(config.credsStore, registry);
      if (cred) return cred;
    }
  }
  return { kind: 'anonymous' };
}
