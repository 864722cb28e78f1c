// Where each component is written in the components file: annotations and JUnit point at its line. Pure.
import { relative, sep } from 'node:path';
import type { ComponentsFile } from '../model/output.ts';
import type { ComponentReport } from '../model/report.ts';
import type { SnapshotComponent } from '../model/snapshot.ts';

/** 1-based line of each component's `containerImage` value in the snapshot text, by image. */
export function componentLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /"?containerImage"?\s*:\s*["']?([^"',\s}]+)/.exec(line);
    if (m && !lines.has(m[1]!)) lines.set(m[1]!, i + 1);
  });
  return lines;
}

/** The repository of a reference (before its tag or digest). */
function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const base = at === -1 ? image : image.slice(0, at);
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

/** A platform of an image index is named `<name>-sha256:<hex>-<arch>` (ec's naming): the name it came from. */
const expandedFrom = (name: string): string | undefined => /^(.*)-sha256:[0-9a-f]{64}-\S+$/.exec(name)?.[1];

/** The snapshot's entries by name (the first of each) and, per repository, its entries that have a line: built once per run. */
export interface SnapshotIndex {
  lines: Map<string, number>;
  byName: Map<string, Pick<SnapshotComponent, 'name' | 'containerImage'>>;
  /** Per repository: how many entries have a line, and the first one's line. */
  byRepository: Map<string, { count: number; line: number }>;
}

export function snapshotIndex(lines: Map<string, number>, snapshot: Pick<SnapshotComponent, 'name' | 'containerImage'>[]): SnapshotIndex {
  const byName = new Map<string, Pick<SnapshotComponent, 'name' | 'containerImage'>>();
  const byRepository = new Map<string, { count: number; line: number }>();
  for (const s of snapshot) {
    if (!byName.has(s.name)) byName.set(s.name, s);
    const line = lines.get(s.containerImage);
    if (line === undefined) continue;
    const repo = repositoryOf(s.containerImage);
    const seen = byRepository.get(repo);
    if (seen) seen.count++;
    else byRepository.set(repo, { count: 1, line });
  }
  return { lines, byName, byRepository };
}

/**
 * The line of a reported component (its reference pinned since it was read): its own image's line,
 * else the line of the snapshot entry of its name (or of the index it was expanded from), else of
 * the only entry of its repository. Looked up in the index: a run of N components costs O(N).
 */
export function lineFor(index: SnapshotIndex, c: Pick<ComponentReport, 'name' | 'containerImage'>): number | undefined {
  const own = index.lines.get(c.containerImage);
  if (own !== undefined) return own;
  for (const name of [c.name, expandedFrom(c.name)]) {
    const entry = name === undefined ? undefined : index.byName.get(name);
    const line = entry ? index.lines.get(entry.containerImage) : undefined;
    if (line !== undefined) return line;
  }
  const same = index.byRepository.get(repositoryOf(c.containerImage));
  return same?.count === 1 ? same.line : undefined;
}

/** A component as `ComponentsFile.lines` knows it: name and image (two entries may share either). */
export function locationKey(c: Pick<ComponentReport, 'name' | 'containerImage'>): string {
  return `${c.name}\u0000${c.containerImage}`;
}

/** The components file of a run (`file.path` absolute, as read) and each reported component's line in it. */
export function componentsFileOf(
  components: ComponentReport[],
  file: { path: string; text: string },
  snapshot: Pick<SnapshotComponent, 'name' | 'containerImage'>[],
  baseDir: string,
): ComponentsFile {
  const index = snapshotIndex(componentLines(file.text), snapshot);
  const lines: Record<string, number> = {};
  for (const c of components) {
    const line = lineFor(index, c);
    if (line !== undefined) lines[locationKey(c)] = line;
  }
  return { path: relative(baseDir, file.path).split(sep).join('/'), lines };
}
