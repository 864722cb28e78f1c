// Points annotations at a component's line in the components file. Pure.

/** 1-based line of each component's `containerImage` value in the snapshot text, by image. */
export function componentLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const m = /"?containerImage"?\s*:\s*["']?([^"',\s}]+)/.exec(line);
    if (m && !lines.has(m[1]!)) lines.set(m[1]!, i + 1);
  });
  return lines;
}

/** The line for a reported component: its own image, or the image it was expanded from. */
export function lineFor(lines: Map<string, number>, containerImage: string, originalImages: string[]): number | undefined {
  if (lines.has(containerImage)) return lines.get(containerImage);
  const repo = containerImage.split('@')[0]!;
  for (const img of originalImages) {
    if (lines.has(img) && (img === containerImage || img.startsWith(repo))) return lines.get(img);
  }
  return undefined;
}
