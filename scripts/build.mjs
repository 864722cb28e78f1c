// Bundles src/ into the one committed entrypoint, dist/index.js (ESM, dependencies inlined).
// `--check` builds in memory and exits 1 when the committed dist/index.js differs (stale).
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const outfile = new URL('dist/index.js', root).pathname;
const check = process.argv.includes('--check');

const result = await build({
  absWorkingDir: root.pathname,
  entryPoints: ['src/faces/main.ts'],
  outfile,
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  define: { __VOUCH_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __vouchCreateRequire } from 'node:module';\nconst require = __vouchCreateRequire(import.meta.url);",
  },
});

const code = result.outputFiles[0].contents;
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
