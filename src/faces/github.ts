// The GitHub Action face: `INPUT_*` → the CLI's flags → one run → outputs, a job summary and
// annotations pointing at the components file.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, VouchError, errorMessage, exitCodeOf } from '../errors.ts';
import type { ComponentsFile } from '../model/output.ts';
import type { ComponentReport, Report } from '../model/report.ts';
import { renderTestOutputError } from '../report/formats/appstudio.ts';
import { gateTotals, policyViolations } from '../report/counts.ts';
import { errorSummary, headline, jobSummary } from '../report/job-summary.ts';
import { componentsFileOf, locationKey } from '../report/locations.ts';
import { expectedComponents, progressMode, startProgress } from '../report/progress.ts';
import { render } from '../report/render.ts';
import { runnerSafeIO } from '../report/runner-commands.ts';
import { parseValidateArgs, validateAndReport } from '../validate/entry.ts';
import { strictSetting } from './strict.ts';
import { jsonText } from '../util/json-shapes.ts';

/**
 * The runner keeps at most 10 annotations of each kind (error, warning, notice) per step and drops
 * the rest silently (actions/runner src/Runner.Worker/ExecutionContext.cs, AddIssue and
 * _maxCountPerIssueType = 10; commit 258d6c857db3519913f7deb6004b60172f8043ae).
 */
const ANNOTATIONS_PER_KIND = 10;

/** Action inputs → `vouch validate image` flags (one way to configure a run). */
export function actionArgs(input: (name: string) => string): string[] {
  const args: string[] = [];
  const str = (name: string, flag = name): void => {
    const v = input(name).trim();
    if (v !== '') args.push(`--${flag}`, v);
  };
  const bool = (name: string, flag = name): void => {
    const v = input(name).trim().toLowerCase();
    if (v === 'true' || v === 'false') args.push(`--${flag}=${v}`);
  };
  str('images');
  str('image');
  str('policy');
  str('public-key');
  str('rekor-url');
  bool('ignore-rekor');
  str('certificate-identity');
  str('certificate-identity-regexp');
  str('certificate-oidc-issuer');
  str('certificate-oidc-issuer-regexp');
  str('tuf-mirror');
  str('tuf-root');
  str('trusted-root');
  args.push(`--strict=${strictSetting(input('strict'), 'strict').strict}`);
  bool('info');
  bool('show-successes');
  str('effective-time');
  bool('allow-past-effective-time');
  for (const item of input('extra-rule-data')
    .split(/\n/)
    .map((s) => s.trim())
    .filter(Boolean))
    args.push('--extra-rule-data', item);
  str('workers');
  // VSAs (ec's task names ENABLE_VSA, ATTESTATION_FORMAT, VSA_SIGNING_KEY, VSA_UPLOAD, in kebab case).
  if (input('enable-vsa').trim().toLowerCase() === 'true') {
    args.push('--vsa');
    str('attestation-format');
    str('vsa-signing-key');
    bool('vsa-keyless');
    str('vsa-upload');
    str('attestation-output-dir');
  }
  // Trusting VSAs on a re-run, whether or not this run writes any (the CLI's flags).
  str('vsa-expiration');
  str('vsa-public-key');
  str('vsa-certificate-identity');
  str('vsa-certificate-identity-regexp');
  str('vsa-certificate-oidc-issuer');
  str('vsa-certificate-oidc-issuer-regexp');
  const report = input('report-path').trim();
  const junit = input('junit-path').trim();
  args.push('--output', 'text');
  if (report) args.push('--output', `json=${report}`);
  if (junit) args.push('--output', `junit=${junit}`);
  return args;
}

export interface PlannedAnnotation {
  kind: 'error' | 'warning' | 'notice';
  message: string;
  props?: core.AnnotationProperties;
}

type ComponentAnnotation = Omit<PlannedAnnotation, 'kind'>;

/** One annotation per component (so the cap covers as many components as it can), on its line of the components file. */
function perComponent(report: Report, where: ComponentsFile | undefined): { errors: ComponentAnnotation[]; warnings: ComponentAnnotation[] } {
  const errors: ComponentAnnotation[] = [];
  const warnings: ComponentAnnotation[] = [];
  const props = (c: ComponentReport, title: string): core.AnnotationProperties => {
    const line = where?.lines[locationKey(c)];
    return { title, ...(where ? { file: where.path } : {}), ...(where && line ? { startLine: line } : {}) };
  };
  const list = (results: { msg: string; metadata?: { code?: unknown } }[]): string =>
    results.map((r) => `${jsonText(r.metadata?.code, 'policy')}: ${r.msg}`).join('\n');
  for (const c of report.components) {
    if (c.infrastructureError) {
      errors.push({
        message: `${c.name}: could not be checked: ${c.infrastructureError.message}`,
        props: props(c, `${c.name}: ${c.infrastructureError.code}`),
      });
    }
    const violations = policyViolations(c);
    if (violations.length > 0) errors.push({ message: `${c.name}:\n${list(violations)}`, props: props(c, `${c.name}: ${violations.length} violation(s)`) });
    const w = c.warnings ?? [];
    if (w.length > 0) warnings.push({ message: `${c.name}:\n${list(w)}`, props: props(c, `${c.name}: ${w.length} warning(s)`) });
  }
  return { errors, warnings };
}

/**
 * The headline first (it must survive the cap; a failed strict run's headline fails the step), then
 * per-component annotations in the room the cap leaves (`used`: annotations of each kind already
 * made by this step), then a notice pointing at the summary for what did not fit.
 */
export function planAnnotations(
  report: Report,
  where: ComponentsFile | undefined,
  used: { errors: number; warnings: number },
  strict: boolean,
): PlannedAnnotation[] {
  const plan: PlannedAnnotation[] = [];
  const head = headline(gateTotals(report));
  const failed = !report.success;
  plan.push({ kind: failed && strict ? 'error' : failed ? 'warning' : 'notice', message: head });
  const errorRoom = Math.max(0, ANNOTATIONS_PER_KIND - used.errors - (failed && strict ? 1 : 0));
  const warningRoom = Math.max(0, ANNOTATIONS_PER_KIND - used.warnings - (failed && !strict ? 1 : 0));
  const { errors, warnings } = perComponent(report, where);
  for (const a of errors.slice(0, errorRoom)) plan.push({ kind: 'error', ...a });
  for (const a of warnings.slice(0, warningRoom)) plan.push({ kind: 'warning', ...a });
  const cut = Math.max(0, errors.length - errorRoom) + Math.max(0, warnings.length - warningRoom);
  if (cut > 0) {
    plan.push({
      kind: 'notice',
      message: `${cut} more component annotation(s) not shown (GitHub keeps ${ANNOTATIONS_PER_KIND} errors and ${ANNOTATIONS_PER_KIND} warnings per step): see the job summary and the reports.`,
    });
  }
  return plan;
}

/**
 * Messages and titles are untrusted; @actions/core escapes them (command.js: escapeData for %, CR,
 * LF; escapeProperty also for `:` and `,`), so none ends its command early or starts another. The
 * failed strict run's headline goes through setFailed: the step fails with it.
 */
function emit(plan: PlannedAnnotation[], failStep: boolean): void {
  plan.forEach((a, i) => {
    if (i === 0 && failStep) core.setFailed(a.message);
    else if (a.kind === 'error') core.error(a.message, a.props);
    else if (a.kind === 'warning') core.warning(a.message, a.props);
    else core.notice(a.message, a.props);
  });
}

/** Where the components are written, relative to the workspace (annotations' `file`). */
async function componentsFile(inv: Awaited<ReturnType<typeof parseValidateArgs>>, report: Report, workspace: string): Promise<ComponentsFile | undefined> {
  const file = inv.config.snapshotFile;
  if (!file) return undefined;
  const text = inv.extras.snapshotText ?? (await readFile(file, 'utf8'));
  return componentsFileOf(report.components, { path: file, text }, inv.config.snapshot.components, workspace);
}

/** A run that stopped on an error still sets the outputs (`result=ERROR`) and says in the summary what to fix. */
async function reportStop(err: unknown, env: NodeJS.ProcessEnv): Promise<number> {
  const message = errorMessage(err);
  core.setOutput('result', 'ERROR');
  core.setOutput('success', 'false');
  core.setOutput('error', message);
  core.setOutput('test-output', renderTestOutputError(message, new Date()));
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(errorSummary(message, err instanceof VouchError ? err.code : undefined))
      .write()
      .catch(() => undefined);
  }
  core.setFailed(message);
  return exitCodeOf(err);
}

export async function runGitHubAction(env: NodeJS.ProcessEnv): Promise<number> {
  try {
    // Untrimmed: each input trims what it may (`strict` only JSON whitespace, see strict.ts).
    const input = (name: string): string => core.getInput(name, { trimWhitespace: false });
    const { strict, note } = strictSetting(input('strict'), 'strict');
    const used = { errors: 0, warnings: 0 };
    if (note) {
      core.warning(note);
      used.warnings++;
    }
    const args = actionArgs(input);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const inv = await parseValidateArgs(args, env, workspace);
    // Reports and messages carry registry, policy and snapshot text: kept out of the runner's command parser.
    const io = runnerSafeIO({ stdout: process.stdout, stderr: process.stderr });
    const progress = startProgress({
      mode: progressMode({ quiet: inv.extras.quiet === true, stderrIsTTY: false, ciLog: true }),
      total: expectedComponents(inv.config.snapshot.components.length, inv.config.shard),
      write: (text) => io.stderr.write(text),
    });
    let result: Awaited<ReturnType<typeof validateAndReport>>;
    try {
      result = await validateAndReport(inv, io, env, (m) => core.debug(m), { onComponentDone: progress.componentDone });
    } finally {
      progress.stop();
    }
    const { report } = result;
    core.setOutput('vsa-generated', String((result.vsas?.length ?? 0) > 0));
    for (const v of result.vsas ?? []) core.info(`VSA ${v.verificationResult} for ${v.image}: ${[...v.files, ...v.attached].join(', ')}`);
    const t = gateTotals(report);
    core.setOutput('result', t.result);
    core.setOutput('success', String(report.success));
    core.setOutput('violations', String(t.violations));
    core.setOutput('infrastructure-errors', String(t.infrastructureErrors));
    core.setOutput('warnings', String(t.warnings));
    core.setOutput('successes', String(t.successes));
    const reportPath = core.getInput('report-path').trim();
    const junitPath = core.getInput('junit-path').trim();
    if (reportPath) core.setOutput('report-path', resolve(inv.config.baseDir, reportPath));
    if (junitPath) core.setOutput('junit-path', resolve(inv.config.baseDir, junitPath));
    core.setOutput(
      'test-output',
      render('appstudio', {
        report,
        policyInputs: [],
        createdAt: new Date(),
        color: false,
        showSuccesses: false,
        showWarnings: true,
        showPolicyDocsLink: false,
      }),
    );
    emit(planAnnotations(report, await componentsFile(inv, report, workspace), used, strict), !report.success && strict);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(jobSummary(report)).write();
    return report.success || !strict ? ExitCode.Ok : ExitCode.PolicyFailed;
  } catch (err) {
    return reportStop(err, env);
  }
}
