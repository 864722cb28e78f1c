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

/**
 * The line of a reported component (its reference pinned since it was read): its own image's line,
 * else the line of the snapshot entry of its name (or of the index it was expanded from), else of
 * the only entry of its repository.
 */
function lineFor(lines: Map<string, number>, c: Pick<ComponentReport, 'name' | 'containerImage'>, snapshot: Pick<SnapshotComponent, 'name' | 'containerImage'>[]): number | undefined {
  const own = lines.get(c.containerImage);
  if (own !== undefined) return own;
  for (const name of [c.name, expandedFrom(c.name)]) {
    const entry = name === undefined ? undefined : snapshot.find((s) => s.name === name);
    const line = entry ? lines.get(entry.containerImage) : undefined;
    if (line !== undefined) return line;
  }
  const repo = repositoryOf(c.containerImage);
  const same = snapshot.filter((s) => repositoryOf(s.containerImage) === repo && lines.has(s.containerImage));
  return same.length === 1 ? lines.get(same[0]!.containerImage) : undefined;
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
  const byImage = componentLines(file.text);
  const lines: Record<string, number> = {};
  for (const c of components) {
    const line = lineFor(byImage, c, snapshot);
    if (line !== undefined) lines[locationKey(c)] = line;
  }
  return { path: relative(baseDir, file.path).split(sep).join('/'), lines };
}
