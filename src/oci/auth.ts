// Registry credentials from docker/podman config files and credential helpers. Credentials are
// only ever placed in Authorization headers: never logged, never in error messages.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Credential =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (docker `identitytoken`). */
  | { kind: 'identity-token'; username: string; token: string }
  /** A bearer token to send as is (docker `registrytoken`). */
  | { kind: 'registry-token'; token: string };

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** Config files in the order docker, podman and skopeo consult them. */
export function configPaths(env: NodeJS.ProcessEnv): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) paths.push(join(env.DOCKER_CONFIG, 'config.json'));
  paths.push(join(env.HOME || homedir(), '.docker', 'config.json'));
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  return paths;
}

function keysFor(registry: string): string[] {
  if (DOCKER_HUB_KEYS.includes(registry)) return DOCKER_HUB_KEYS;
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

function fromEntry(entry: NonNullable<DockerConfig['auths']>[string]): Credential | undefined {
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
        const parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!parsed.Secret) return resolve(undefined);
        resolve(
          parsed.Username === '<token>'
            ? { kind: 'identity-token', username: '<token>', token: parsed.Secret }
            : { kind: 'basic', username: parsed.Username ?? '', password: parsed.Secret },
        );
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(DOCKER_HUB_KEYS.includes(registry) ? 'https://index.docker.io/v1/' : registry);
  });
}

/** Finds the credential for a registry host; anonymous when no config names it. */
export async function lookupCredential(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credential> {
  for (const path of configPaths(env)) {
    let config: DockerConfig;
    try {
      config = JSON.parse(await readFile(path, 'utf8')) as DockerConfig;
    } catch {
      continue;
    }
    const keys = keysFor(registry);
    const helper = keys.map((k) => config.credHelpers?.[k]).find((h) => h);
    if (helper) {
      const cred = await fromHelper(helper, registry);
      if (cred) return cred;
    }
    for (const key of keys) {
      const entry = config.auths?.[key];
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
