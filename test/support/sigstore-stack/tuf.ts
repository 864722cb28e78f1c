// A real TUF repository on loopback (root, targets, snapshot, timestamp; consistent snapshots;
// ed25519 keys), holding a `trusted_root.json` target: what `cosign initialize --mirror --root` and
// @sigstore/tuf read. Metadata is signed over canonical JSON as the TUF specification requires.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';

/** OLPC canonical JSON (sorted keys, no whitespace); our metadata has only strings, ints, bools. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface TufKey {
  id: string;
  publicJson: Record<string, unknown>;
  privateKey: KeyObject;
}

function newKey(): TufKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const publicJson = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } };
  const id = createHash('sha256').update(canonicalJson(publicJson)).digest('hex');
  return { id, publicJson, privateKey };
}

function signed(role: Record<string, unknown>, key: TufKey): Record<string, unknown> {
  const sig = sign(null, Buffer.from(canonicalJson(role)), key.privateKey).toString('hex');
  return { signed: role, signatures: [{ keyid: key.id, sig }] };
}

const expires = (): string => new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

export interface TufRepository {
  dir: string;
  url: string;
  /** Path of the initial root.json a client must be given (`--root`). */
  rootPath: string;
  /** The path of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/** Writes a repository with the given targets into `dir` and serves it on loopback. */
export async function startTufRepository(dir: string, targets: Record<string, Buffer>): Promise<TufRepository> {
  await mkdir(join(dir, 'targets'), { recursive: true });
  const keys = { root: newKey(), targets: newKey(), snapshot: newKey(), timestamp: newKey() };
  const root = {
    _type: 'root',
    spec_version: '1.0.31',
    version: 1,
    expires: expires(),
    consistent_snapshot: true,
    keys: Object.fromEntries(Object.values(keys).map((k) => [k.id, k.publicJson])),
    roles: Object.fromEntries(Object.entries(keys).map(([role, k]) => [role, { keyids: [k.id], threshold: 1 }])),
  };
  const targetEntries: Record<string, unknown> = {};
  for (const [name, bytes] of Object.entries(targets)) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    targetEntries[name] = { length: bytes.length, hashes: { sha256 } };
    await writeFile(join(dir, 'targets', `${sha256}.${name}`), bytes);
  }
  const targetsRole = signed({ _type: 'targets', spec_version: '1.0.31', version: 1, expires: expires(), targets: targetEntries }, keys.targets);
  const targetsBytes = Buffer.from(JSON.stringify(targetsRole));
  const snapshotRole = signed(
    { _type: 'snapshot', spec_version: '1.0.31', version: 1, expires: expires(), meta: { 'targets.json': { version: 1 } } },
    keys.snapshot,
  );
  const snapshotBytes = Buffer.from(JSON.stringify(snapshotRole));
  const timestampRole = signed(
    {
      _type: 'timestamp',
      spec_version: '1.0.31',
      version: 1,
      expires: expires(),
      meta: { 'snapshot.json': { version: 1, length: snapshotBytes.length, hashes: { sha256: createHash('sha256').update(snapshotBytes).digest('hex') } } },
    },
    keys.timestamp,
  );
  const rootBytes = Buffer.from(JSON.stringify(signed(root, keys.root)));
  await writeFile(join(dir, 'root.json'), rootBytes);
  await writeFile(join(dir, '1.root.json'), rootBytes);
  await writeFile(join(dir, '1.targets.json'), targetsBytes);
  await writeFile(join(dir, '1.snapshot.json'), snapshotBytes);
  await writeFile(join(dir, 'timestamp.json'), JSON.stringify(timestampRole));

  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    readFile(join(dir, path))
      .then((body) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(body);
      })
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { dir, url, rootPath: join(dir, 'root.json'), requests, stop: () => new Promise<void>((r) => server.close(() => r())) };
}
