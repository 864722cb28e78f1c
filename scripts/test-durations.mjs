// A test reporter that lists every test file with its wall time (the runner's measure of its process,
// start to end), slowest first, and the sum. With `npm test -- --test-reporter=spec
// --test-reporter-destination=stdout --test-reporter=./scripts/test-durations.mjs
// --test-reporter-destination=durations.txt`: where a run spends.
export default async function* durations(source) {
  const files = [];
  for await (const event of source) {
    const { type, data } = event;
    // Each file's own test (nesting 0, named by its path) completes once its process has ended.
    if (type === 'test:complete' && data.nesting === 0 && typeof data.file === 'string' && data.file.endsWith(data.name)) {
      files.push({ seconds: data.details.duration_ms / 1000, name: data.name, passed: data.details.passed });
    }
  }
  files.sort((a, b) => b.seconds - a.seconds);
  for (const f of files) yield `${f.seconds.toFixed(1).padStart(7)} s  ${f.passed ? '' : 'FAILED '}${f.name}\n`;
  yield `${files
    .reduce((sum, f) => sum + f.seconds, 0)
    .toFixed(1)
    .padStart(7)} s  in all, ${files.length} files\n`;
}
