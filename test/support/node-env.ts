// A `node` child that a test starts with an environment of its own (a face as the runner or a pod
// starts it) keeps the run's compile cache: scripts/test.sh points NODE_COMPILE_CACHE at a directory
// of that run only, so each process loads the TypeScript sources from V8's code cache instead of
// stripping and compiling them again. Node checks each entry against the source's hash; the cache
// changes how fast a module loads, never what it does.
export function withCompileCache(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = process.env.NODE_COMPILE_CACHE;
  return dir === undefined || dir === '' ? env : { ...env, NODE_COMPILE_CACHE: dir };
}
