// The two esbuild builds behind dist/index.js (scripts/build.mjs writes or checks the result).
// The policy evaluation worker is built first, on its own, and its code is embedded in the CLI's
// bundle as a string (__VOUCH_EVALUATION_WORKER__, read by src/policy/wasm/worker-launch.ts): a
// worker then compiles the evaluation code only (the wasm SDK, the host builtins, the bridge), not
// the whole CLI with its HTTP, registry and Sigstore stacks, and the product stays one file.
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

export const WORKER_ENTRY = 'src/policy/wasm/worker.ts';

/**
 * `import * as http from 'http'` (agent-base, under the TUF client's proxy agents) would be linked
 * at start-up through Node's ES module facade of node:http, which reads every export, and one of
 * them loads Node's whole bundled undici: tens of ms of CPU in every run, `--version` included,
 * whether or not anything speaks HTTP. As a CommonJS value (process.getBuiltinModule, as
 * src/oci/transport.ts does) the module is taken when its importer first runs, and the getter only
 * when read.
 */
const lazyNodeHttp: Plugin = {
  name: 'lazy-node-http',
  setup(b) {
    b.onResolve({ filter: /^(node:)?https?$/ }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'lazy-node-http' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-node-http' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

const common = (root: string): BuildOptions => ({
  absWorkingDir: root,
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node24',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  plugins: [lazyNodeHttp],
});

/** The worker's code: one script (an IIFE) that gets `require` as its one parameter, as worker-launch.ts runs it. */
export async function bundleEvaluationWorker(root: string): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({ ...common(root), entryPoints: [WORKER_ENTRY], outfile: 'evaluation-worker.js', format: 'iife', metafile: true });
  return { code: result.outputFiles![0]!.text, metafile: result.metafile };
}

/** dist/index.js: the CLI, GitHub Action and Tekton step (src/faces/main.ts), with the worker's code inside. */
export async function bundleCli(root: string, version: string, workerCode: string): Promise<Uint8Array> {
  const result = await build({
    ...common(root),
    entryPoints: ['src/faces/main.ts'],
    outfile: 'dist/index.js',
    format: 'esm',
    define: { __VOUCH_VERSION__: JSON.stringify(version), __VOUCH_EVALUATION_WORKER__: JSON.stringify(workerCode) },
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __vouchCreateRequire } from 'node:module';\nconst require = __vouchCreateRequire(import.meta.url);",
    },
  });
  return result.outputFiles![0]!.contents;
}
