// The one validation entry every face shares: `validate image` flags → a run → every requested
// report. The faces differ only in where their flags come from and what they do with the result.
import { buildRunConfig, type ValidateInvocation } from '../config/run-config.ts';
import { resolvePolicy } from '../policy/resolve-config.ts';
import { shouldColor } from '../report/formats/text.ts';
import { componentsFileOf } from '../report/locations.ts';
import { snapshotDigest } from '../report/merge.ts';
import { policyInputsNeeded, successesNeeded, writeOutputs, type StdoutSink } from '../report/targets.ts';
import { runValidateImage, type RunOptions } from './run.ts';
import type { ValidationResult } from './types.ts';
import { policyUri } from '../report/vsa/predicate.ts';
import { prepareVsa, produceVsas } from './vsa/produce.ts';

/** Where reports printed to stdout go (a face's `guard` keeps them safe for whoever reads stdout). */
export interface ReportIO {
  stdout: StdoutSink & { isTTY?: boolean };
}

/** Parses `validate image` flags into a RunConfig, `--policy` resolved by the policy layer. */
export function parseValidateArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<ValidateInvocation> {
  return buildRunConfig(argv, env, cwd, resolvePolicy);
}

/** Runs a validation and writes every requested output. Returns the result for faces to summarise. */
export async function validateAndReport(
  inv: ValidateInvocation,
  io: ReportIO,
  env: NodeJS.ProcessEnv,
  log: (m: string) => void,
  observe: Pick<RunOptions, 'onComponentDone'> = {},
): Promise<ValidationResult> {
  const { config } = inv;
  // The VSA signing key is opened before anything is verified: a wrong password fails in seconds.
  const vsa = config.vsa ? await prepareVsa(config.vsa, env) : undefined;
  // Each component's policy input is kept to the end of the run only for a report that shows it,
  // its statements only for the VSAs: at 10,000 components with large provenance they add up.
  const retain = { policyInputs: policyInputsNeeded(config.outputs), statements: config.vsa !== undefined };
  const result = await runValidateImage({ ...config, showSuccesses: successesNeeded(config) }, { log, env, retain, ...observe });
  const { snapshotFile } = config;
  const text = inv.extras.snapshotText;
  const componentsFile =
    snapshotFile && text !== undefined
      ? componentsFileOf(result.report.components, { path: snapshotFile, text }, config.snapshot.components, config.baseDir)
      : undefined;
  await writeOutputs(
    {
      ...(componentsFile ? { componentsFile } : {}),
      ...(config.shard ? { shard: { ...config.shard, snapshotDigest: snapshotDigest(config.snapshot) } } : {}),
      report: result.report,
      policyInputs: result.policyInputs,
      createdAt: new Date(),
      color: shouldColor(env, io.stdout.isTTY === true, inv.extras.color),
      showSuccesses: config.showSuccesses,
      showWarnings: config.showWarnings,
      showPolicyDocsLink: false,
    },
    config.outputs,
    io.stdout,
  );
  if (vsa) {
    result.vsas = await produceVsas(vsa, {
      components: result.report.components,
      attestations: result.componentAttestations,
      policy: { spec: result.report.policy, digest: result.policyDigest, source: policyUri(result.report.policy), publicKey: config.publicKey ?? '' },
      time: new Date(),
      env,
      log,
    });
    for (const v of result.vsas) log(`VSA ${v.verificationResult} for ${v.image}: ${[...v.files, ...v.attached].join(', ') || '(nowhere)'}`);
  }
  return result;
}
