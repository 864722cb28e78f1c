// The one entrypoint, dist/index.js: GitHub Action, Tekton step or CLI, chosen from the environment.
// Faces are imported on demand: the bundler then evaluates only the chosen one's modules, which keeps
// `vouch --version` and `--help` from loading the Sigstore, OPA and HTTP stacks.
import { detectFace } from './detect.ts';

async function main(): Promise<number> {
  const env = process.env;
  const argv = process.argv.slice(2);
  switch (detectFace(env, argv)) {
    case 'github':
      return (await import('./github.ts')).runGitHubAction(env);
    case 'tekton':
      return (await import('./tekton.ts')).runTektonStep(env);
    default:
      return (await import('./cli.ts')).runCli(argv, env, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
  }
}

process.exitCode = await main();
