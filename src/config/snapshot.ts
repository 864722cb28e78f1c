// The application snapshot (`--images`, `--image`): parsed, validated and merged as ec does
// (conforma/cli a18338416237 internal/applicationsnapshot/input.go).
import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { parseYamlDocument, readTextFile } from './document.ts';
import type { Snapshot, SnapshotComponent } from '../model/snapshot.ts';
import { isRecord } from '../util/json-shapes.ts';

export interface SnapshotSource {
  snapshot: Snapshot;
  /** Absolute path when the snapshot came from a file. */
  file?: string;
  /** The raw text, kept so faces can point annotations at a component's line. */
  text: string;
}

/** Reads `--images`: a file path, or the inline JSON/YAML text itself. */
export async function loadSnapshot(value: string, baseDir: string): Promise<SnapshotSource> {
  const path = resolve(baseDir, value);
  let text: string;
  let file: string | undefined;
  try {
    text = await readTextFile(path);
    file = path;
  } catch (err) {
    if (err instanceof InputError) throw err;
    // ec: when reading as a file fails, the value is the snapshot text itself.
    if (!/[:{[]/.test(value)) {
      throw new InputError(
        'SNAPSHOT_NOT_FOUND',
        `--images ${JSON.stringify(value)}: no such file, and not inline JSON/YAML either. Pass the path of a components file or the snapshot text`,
        { value, cause: err },
      );
    }
    text = value;
  }
  return { snapshot: parseSnapshot(text, file ?? '--images'), ...(file ? { file } : {}), text };
}

/** Parses snapshot text (a SnapshotSpec, or an object whose `spec` is one). */
export function parseSnapshot(text: string, origin: string): Snapshot {
  let doc = parseYamlDocument(text, origin, { syntaxCode: 'SNAPSHOT_SYNTAX' });
  if (isRecord(doc) && isRecord(doc.spec)) doc = doc.spec;
  if (!isRecord(doc)) {
    throw new InputError('SNAPSHOT_SHAPE', `${origin}: expected an object with a "components" list`, { value: origin });
  }
  const raw = doc.components;
  if (raw !== undefined && !Array.isArray(raw)) {
    throw new InputError('SNAPSHOT_SHAPE', `${origin}: "components" must be a list of {name, containerImage}`, { value: origin });
  }
  const components: SnapshotComponent[] = (raw ?? []).map((c: unknown, i: number) => {
    const where = `${origin}: components[${i}]`;
    if (!isRecord(c)) throw new InputError('SNAPSHOT_SHAPE', `${where} must be an object with "containerImage"`, { value: where });
    if (typeof c.containerImage !== 'string' || c.containerImage.trim() === '') {
      throw new InputError('SNAPSHOT_SHAPE', `${where}.containerImage must be a non-empty image reference`, { value: where });
    }
    if (c.name !== undefined && typeof c.name !== 'string') {
      throw new InputError('SNAPSHOT_SHAPE', `${where}.name must be a string`, { value: where });
    }
    if (c.source !== undefined && !isRecord(c.source)) {
      throw new InputError('SNAPSHOT_SHAPE', `${where}.source must be an object`, { value: where });
    }
    return { ...c, name: c.name ?? '', containerImage: c.containerImage.trim() };
  });
  const snapshot: Snapshot = { components };
  for (const key of ['application', 'displayName', 'displayDescription'] as const) {
    const v = doc[key];
    if (typeof v === 'string') snapshot[key] = v;
  }
  if (isRecord(doc.artifacts)) snapshot.artifacts = doc.artifacts;
  return snapshot;
}

/**
 * Merges snapshots in flag order (ec: --images, then --image): keyed on containerImage; a later entry
 * only names a component whose name is empty or `Unnamed`; application fields take the first non-empty value.
 */
export function mergeSnapshots(parts: Snapshot[]): Snapshot {
  const out: Snapshot = { components: [] };
  const byImage = new Map<string, SnapshotComponent>();
  for (const part of parts) {
    for (const key of ['application', 'displayName', 'displayDescription'] as const) {
      if (!out[key] && part[key]) out[key] = part[key];
    }
    if (part.artifacts && !out.artifacts) out.artifacts = part.artifacts;
    for (const c of part.components) {
      const existing = byImage.get(c.containerImage);
      if (existing) {
        if ((existing.name === '' || existing.name === 'Unnamed') && c.name) existing.name = c.name;
        continue;
      }
      const copy = { ...c };
      byImage.set(c.containerImage, copy);
      out.components.push(copy);
    }
  }
  return out;
}
