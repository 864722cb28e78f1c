// The GitHub Action face: `INPUT_*` → the CLI's flags → one run → outputs, a job summary and
// annotations pointing at the components file.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ExitCode, errorMessage, exitCodeOf } from '../errors.ts';
import { totals } from '../report/counts.ts';
import { render } from '../report/render.ts';
import type { ComponentReport, Report } from '../model/report.ts';
import { markdownText } from '../report/escape.ts';
import { runnerSafeIO } from '../report/runner-commands.ts';
import { parseValidateArgs, validateAndReport } from '../validate/entry.ts';
import { componentLines, lineFor } from './snapshot-lines.ts';
import { strictSetting } from './strict.ts';

const SUMMARY_LIMIT = 1024 * 1024 - 4096;

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
  for (const item of input('extra-rule-data').split(/\n/).map((s) => s.trim()).filter(Boolean)) args.push('--extra-rule-data', item);
  str('workers');
  const report = input('report-path').trim();
  const junit = input('junit-path').trim();
  args.push('--output', 'text');
  if (report) args.push('--output', `json=${report}`);
  if (junit) args.push('--output', `junit=${junit}`);
  return args;
}

/** Totals, then one collapsible block per failing component; trimmed deterministically under 1 MiB. Every untrusted field is escaped (markdownText). */
export function jobSummary(report: Report): string {
  const t = totals(report);
  let out = `## vouch: ${t.result}\n\n| Components | Violations | Warnings | Successes | Result |\n|---|---|---|---|---|\n| ${report.components.length} | ${t.failures} | ${t.warnings} | ${t.successes} | ${t.result} |\n\n`;
  const failing = report.components.filter((c) => !c.success);
  for (const [i, c] of failing.entries()) {
    const rows = (c.violations ?? []).map(
      (v) => `| <code>${markdownText(String(v.metadata?.code ?? ''))}</code> | ${markdownText(v.msg)} | ${markdownText(String(v.metadata?.solution ?? ''))} |`,
    );
    const block = `<details><summary>✕ ${markdownText(c.name)} — ${c.violations?.length ?? 0} violation(s)</summary>\n\n<code>${markdownText(c.containerImage)}</code>\n\n| Rule | Message | Solution |\n|---|---|---|\n${rows.join('\n')}\n\n</details>\n\n`;
    if (out.length + block.length > SUMMARY_LIMIT) {
      out += `_${failing.length - i} more failing component(s) not shown: the summary is limited to 1 MiB; see the JSON report._\n`;
      break;
    }
    out += block;
  }
  return out;
}

/**
 * At most 10 errors and 10 warnings. Messages and titles are untrusted; @actions/core escapes them
 * (command.js: escapeData for %, CR, LF; escapeProperty also for `:` and `,`), so none ends its
 * command early or starts another.
 */
function annotate(report: Report, snapshotText: string | undefined, snapshotFile: string | undefined, originalImages: string[], workspace: string): void {
  const lines = snapshotText ? componentLines(snapshotText) : new Map<string, number>();
  const file = snapshotFile ? relative(workspace, snapshotFile) : undefined;
  let errors = 0;
  let warnings = 0;
  const props = (c: ComponentReport, title: string): core.AnnotationProperties => {
    const line = lineFor(lines, c.containerImage, originalImages);
    return { title, ...(file ? { file } : {}), ...(file && line ? { startLine: line } : {}) };
  };
  for (const c of report.components) {
    for (const v of c.violations ?? []) {
      if (errors++ < 10) core.error(`${c.name}: ${v.msg}`, props(c, String(v.metadata?.code ?? 'vouch')));
    }
    for (const w of c.warnings ?? []) {
      if (warnings++ < 10) core.warning(`${c.name}: ${w.msg}`, props(c, String(w.metadata?.code ?? 'vouch')));
    }
  }
}

export async function runGitHubAction(env: NodeJS.ProcessEnv): Promise<number> {
  try {
    // Untrimmed: each input trims what it may (`strict` only JSON whitespace, see strict.ts).
    const input = (name: string): string => core.getInput(name, { trimWhitespace: false });
    const { note } = strictSetting(input('strict'), 'strict');
    if (note) core.warning(note);
    const args = actionArgs(input);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const inv = await parseValidateArgs(args, env, workspace);
    // Reports and messages carry registry, policy and snapshot text: kept out of the runner's command parser.
    const io = runnerSafeIO({ stdout: process.stdout, stderr: process.stderr });
    const result = await validateAndReport(inv, io, env, (m) => core.debug(m));
    const { report } = result;
    const t = totals(report);
    core.setOutput('result', t.result);
    core.setOutput('success', String(report.success));
    core.setOutput('violations', String(t.failures));
    core.setOutput('warnings', String(t.warnings));
    core.setOutput('successes', String(t.successes));
    const reportPath = core.getInput('report-path').trim();
    const junitPath = core.getInput('junit-path').trim();
    if (reportPath) core.setOutput('report-path', resolve(inv.config.baseDir, reportPath));
    if (junitPath) core.setOutput('junit-path', resolve(inv.config.baseDir, junitPath));
    core.setOutput('test-output', render('appstudio', { report, policyInputs: [], createdAt: new Date(), color: false, showSuccesses: false, showWarnings: true, showPolicyDocsLink: false }));
    const snapshotText = inv.extras.snapshotText ?? (inv.config.snapshotFile ? await readFile(inv.config.snapshotFile, 'utf8') : undefined);
    annotate(report, snapshotText, inv.config.snapshotFile, inv.config.snapshot.components.map((c) => c.containerImage), workspace);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(jobSummary(report)).write();
    if (!report.success && inv.config.strict) core.setFailed(`vouch: ${t.failures} violation(s) in ${report.components.filter((c) => !c.success).length} component(s)`);
    return report.success || !inv.config.strict ? ExitCode.Ok : ExitCode.PolicyFailed;
  } catch (err) {
    core.setFailed(errorMessage(err));
    return exitCodeOf(err);
  }
}
