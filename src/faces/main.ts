// The one entrypoint, dist/index.js: GitHub Action, Tekton step or CLI, chosen from the environment.
import { runCli } from './cli.ts';
import { detectFace } from './detect.ts';
import { runGitHubAction } from './github.ts';
import { runTektonStep } from './tekton.ts';

async function main(): Promise<number> {
  const env = process.env;
  const argv = process.argv.slice(2);
  switch (detectFace(env, argv)) {
    case 'github':
      return runGitHubAction(env);
    case 'tekton':
      return runTektonStep(env);
    default:
      return runCli(argv, env, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
  }
}

process.exitCode = await main();
