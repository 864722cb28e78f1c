// The two esbuild builds behind dist/index.js (scripts/build.mjs writes or checks the result).
// The policy evaluation worker is built first, on its own, and its code is embedded in the CLI's
// bundle as a string (__VOUCH_EVALUATION_WORKER__, read by src/policy/wasm/worker-launch.ts): a
// worker then compiles the evaluation code only (the wasm SDK, the host builtins, the bridge), not
// the whole CLI with its HTTP, registry and Sigstore stacks, and the product stays one file.
import { builtinModules } from 'node:module';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

const WORKER_ENTRY = 'src/policy/wasm/worker.ts';
/** The metafile's inputs of Node built-ins are `<this>:<name>` (lazyNodeBuiltins). */
export const BUILTIN_NAMESPACE = 'node-builtin';

/**
 * Node's built-in modules as CommonJS values (process.getBuiltinModule, as src/oci/transport.ts
 * does), taken when the module importing them first runs. esbuild hoists every `import … from
 * 'node:x'` of an ES module bundle to its top, so Node would link them all at start-up through its
 * ES module facades, which read every export: agent-base's `import * as http` (under the TUF
 * client's proxy agents) then loads Node's whole bundled undici, `import * as crypto` its
 * WebCrypto, and `--version` loaded tls, http2, child_process and zlib too (measured: ~35 ms of
 * the ~120 ms of CPU of `vouch --version`; undici was 100–170 ms of samples of a validate run under load).
 */
const BUILTIN = new RegExp(`^(node:.+|${builtinModules.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
const lazyNodeBuiltins: Plugin = {
  name: 'lazy-node-builtins',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: BUILTIN_NAMESPACE }));
    b.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
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
  plugins: [lazyNodeBuiltins],
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
    // For a CommonJS dependency that looks for require() itself (Node's built-ins are resolved by lazyNodeBuiltins).
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __vouchCreateRequire } from 'node:module';\nconst require = __vouchCreateRequire(import.meta.url);",
    },
  });
  return result.outputFiles![0]!.contents;
}
