// Bundles src/ into the one committed entrypoint, dist/index.js (ESM, dependencies inlined).
// `--check` builds in memory and exits 1 when the committed dist/index.js differs (stale). The
// builds themselves (the evaluation worker's, embedded in the CLI's) are in bundle.ts.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { bundleCli, bundleEvaluationWorker } from './bundle.ts';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const outfile = new URL('dist/index.js', root).pathname;
const check = process.argv.includes('--check');

const worker = await bundleEvaluationWorker(root.pathname);
const code = await bundleCli(root.pathname, pkg.version, worker.code);
if (check) {
  let current = Buffer.alloc(0);
  try {
    current = readFileSync(outfile);
  } catch {
    // missing counts as stale
  }
  if (Buffer.compare(current, Buffer.from(code)) !== 0) {
    console.error('dist/index.js is stale: run `npm run build` and commit dist/');
    process.exit(1);
  }
} else {
  mkdirSync(new URL('dist/', root), { recursive: true });
  writeFileSync(outfile, code, { mode: 0o755 });
}
