// Runs vouch's policy engine end to end on Rego and data written by a test: local policy and data
// directories, compiled by the real opa, evaluated in vouch's workers, results processed as ec does.
import { NO_SIGNER } from '../../../support/sigstore-opts.ts';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PolicySource } from '../../../../src/model/policy-spec.ts';
import type { PolicyInput } from '../../../../src/model/policy-input.ts';
import { loadPolicy } from '../../../../src/policy/engine.ts';
import type { PolicyOutcome } from '../../../../src/policy/types.ts';
import { toolPath } from '../../../support/tools.ts';
import { jsonText } from '../../../../src/util/json-shapes.ts';

export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** Writes `files` (path → text) under a fresh directory and returns it. */
export async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-semantics-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

export interface RunOptions {
  effectiveTime?: Date;
  extraRuleData?: Record<string, string>;
  input?: Partial<PolicyInput>;
}

/** One component evaluated against one source, with --info and --show-successes. */
export async function evaluateSource(source: PolicySource, opts: RunOptions = {}): Promise<PolicyOutcome> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'vouch-semantics-cache-'));
  const effectiveTime = opts.effectiveTime ?? new Date('2026-06-01T00:00:00Z');
  const evaluator = await loadPolicy({
    spec: { sources: [source] },
    effectiveTime,
    info: true,
    showSuccesses: true,
    extraRuleData: opts.extraRuleData ?? {},
    sigstoreOpts: NO_SIGNER,
    opaPath: toolPath('opa'),
    cacheDir,
    env: process.env,
    baseDir: tmpdir(),
  });
  try {
    const input: PolicyInput = {
      attestations: [],
      image: { ref: `registry.local/app@${DIGEST}` },
      snapshot: { components: [] },
      policy_spec: {},
      ...opts.input,
    };
    return await evaluator.evaluate(input, { imageDigest: DIGEST, imageUrl: 'registry.local/app', componentName: 'app', effectiveTime });
  } finally {
    await evaluator.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** `[msg, code]` of each result, for compact assertions. */
export const codes = (results: { msg: string; metadata?: Record<string, unknown> }[]): string[] =>
  results.map((r) => jsonText(r.metadata?.code, `(no code) ${r.msg}`));
