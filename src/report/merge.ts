// Shard reports and their merge. The JSON report of a `--shard I/N` run carries, beside ec's fields,
// a `vouch-shard` object: which slice of which snapshot it is, and per component what ec's JSON
// leaves out but the joined reports need (successes counted while hidden, for TEST_OUTPUT; the
// infrastructure error, for JUnit `error` and the gate's outputs; the line in the components file).
// `vouch merge-reports` takes only the N slices of one snapshot, validated with one policy, key and
// vouch version, each once, and joins them into the report a single run gives.
import { createHash } from 'node:crypto';
import { InputError, errorMessage } from '../errors.ts';
import type { ComponentsFile, ShardIdentity } from '../model/output.ts';
import type { ComponentReport, InfrastructureError, Report } from '../model/report.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { parseStrictJson } from '../util/strict-json.ts';
import { successCount } from './counts.ts';
import { locationKey } from './locations.ts';
import { canonicalJson } from '../util/canonical-json.ts';

export const SHARD_FIELD = 'vouch-shard';

interface StampedComponent {
  successCount: number;
  infrastructureError?: InfrastructureError;
  line?: number;
}

export interface ShardStamp extends ShardIdentity {
  /** `--show-successes` of the shard run: the report carries successes either way (the joined JUnit lists them). */
  showSuccesses: boolean;
  /** The components file, relative to the shard run's working directory. */
  file?: string;
  /** One per report component, in the report's order. */
  components: StampedComponent[];
}

export interface ShardReport {
  origin: string;
  report: Report;
  stamp: ShardStamp;
}

/** What every shard of one snapshot shares, and a shard of another snapshot does not. */
export function snapshotDigest(snapshot: Snapshot): string {
  return `sha256:${createHash('sha256').update(canonicalJson(snapshot)).digest('hex')}`;
}

/** The `vouch-shard` object of a shard run's JSON report. */
export function shardStamp(report: Report, shard: ShardIdentity, componentsFile: ComponentsFile | undefined, showSuccesses: boolean): ShardStamp {
  return {
    index: shard.index,
    count: shard.count,
    snapshotDigest: shard.snapshotDigest,
    showSuccesses,
    ...(componentsFile ? { file: componentsFile.path } : {}),
    components: report.components.map((c) => {
      const line = componentsFile?.lines[locationKey(c)];
      return {
        successCount: successCount(c),
        ...(c.infrastructureError ? { infrastructureError: c.infrastructureError } : {}),
        ...(line !== undefined ? { line } : {}),
      };
    }),
  };
}

// ---- reading a shard ----

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function notAShard(origin: string, why: string): InputError {
  return new InputError(
    'MERGE_NOT_A_SHARD',
    `${origin}: ${why}; merge-reports joins the JSON reports of \`vouch validate image --shard I/N --output json=FILE\``,
    {
      value: origin,
    },
  );
}

function isResultList(v: unknown): boolean {
  return (
    v === undefined || (Array.isArray(v) && v.every((r) => isObject(r) && typeof r.msg === 'string' && (r.metadata === undefined || isObject(r.metadata))))
  );
}

function isComponent(v: unknown): v is ComponentReport {
  return (
    isObject(v) &&
    typeof v.name === 'string' &&
    typeof v.containerImage === 'string' &&
    typeof v.success === 'boolean' &&
    isResultList(v.violations) &&
    isResultList(v.warnings) &&
    isResultList(v.successes)
  );
}

function stampedComponent(v: unknown): StampedComponent | undefined {
  if (!isObject(v) || !isCount(v.successCount)) return undefined;
  const out: StampedComponent = { successCount: v.successCount };
  if (v.infrastructureError !== undefined) {
    const e = v.infrastructureError;
    if (!isObject(e) || typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
    out.infrastructureError = { code: e.code, message: e.message };
  }
  if (v.line !== undefined) {
    if (!isCount(v.line, 1)) return undefined;
    out.line = v.line;
  }
  return out;
}

function readStamp(v: unknown, components: number, origin: string): ShardStamp {
  if (v === undefined) throw notAShard(origin, `no "${SHARD_FIELD}" field (a report of a whole run, or of ec)`);
  if (
    !isObject(v) ||
    !isCount(v.count, 1) ||
    !isCount(v.index, 1) ||
    v.index > v.count ||
    typeof v.snapshotDigest !== 'string' ||
    typeof v.showSuccesses !== 'boolean'
  ) {
    throw notAShard(origin, `"${SHARD_FIELD}" is not {index, count, snapshotDigest, showSuccesses, components}`);
  }
  if (v.file !== undefined && typeof v.file !== 'string') throw notAShard(origin, `"${SHARD_FIELD}".file is not a string`);
  const list = Array.isArray(v.components) ? v.components.map(stampedComponent) : [];
  if (!Array.isArray(v.components) || list.length !== components || list.some((c) => c === undefined)) {
    throw notAShard(origin, `"${SHARD_FIELD}".components does not describe the report's ${components} component(s)`);
  }
  return {
    index: v.index,
    count: v.count,
    snapshotDigest: v.snapshotDigest,
    showSuccesses: v.showSuccesses,
    ...(v.file !== undefined ? { file: v.file } : {}),
    components: list as StampedComponent[],
  };
}

/** One shard report, checked: a vouch JSON report of a `--shard` run. */
export function parseShardReport(text: string, origin: string): ShardReport {
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (err) {
    throw notAShard(origin, `not JSON (${errorMessage(err)})`);
  }
  if (!isObject(doc) || !Array.isArray(doc.components) || !doc.components.every(isComponent)) throw notAShard(origin, 'not a vouch JSON report');
  if (typeof doc.key !== 'string' || !isObject(doc.policy) || typeof doc.success !== 'boolean')
    throw notAShard(origin, 'not a vouch JSON report (key, policy, success)');
  const stamp = readStamp(doc[SHARD_FIELD], doc.components.length, origin);
  const report = Object.fromEntries(Object.entries(doc).filter(([k]) => k !== SHARD_FIELD)) as unknown as Report;
  return { origin, report, stamp };
}

// ---- joining ----

function foreign(s: ShardReport, first: ShardReport, what: string): InputError {
  return new InputError('MERGE_FOREIGN_SHARD', `${s.origin}: ${what} than ${first.origin}; only the shards of one run can be joined`, { value: s.origin });
}

/** Every shard of one run, each once: else the error names the odd one out. */
function checkShards(shards: ShardReport[]): void {
  const first = shards[0];
  if (!first) throw new InputError('MERGE_NOTHING', 'vouch merge-reports needs the JSON reports of every shard', { value: [] });
  for (const s of shards) {
    if (s.stamp.snapshotDigest !== first.stamp.snapshotDigest) throw foreign(s, first, 'cut from another snapshot');
    if (s.stamp.count !== first.stamp.count) throw foreign(s, first, `one of ${s.stamp.count} shards, not of ${first.stamp.count},`);
    if (s.report.key !== first.report.key || canonicalJson(s.report.policy) !== canonicalJson(first.report.policy))
      throw foreign(s, first, 'made with another key or policy');
    if (s.report['ec-version'] !== first.report['ec-version']) throw foreign(s, first, 'made by another vouch version');
    if ((s.stamp.file ?? '') !== (first.stamp.file ?? '')) throw foreign(s, first, 'read from another components file');
    if (s.stamp.showSuccesses !== first.stamp.showSuccesses) throw foreign(s, first, 'run with another --show-successes');
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    const other = seen.get(s.stamp.index);
    if (other !== undefined) {
      throw new InputError('MERGE_DUPLICATE_SHARD', `${s.origin} and ${other} are both shard ${s.stamp.index}/${s.stamp.count}`, { value: s.origin });
    }
    seen.set(s.stamp.index, s.origin);
  }
  const missing = Array.from({ length: first.stamp.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new InputError(
      'MERGE_MISSING_SHARD',
      `shard(s) ${missing.map((i) => `${i}/${first.stamp.count}`).join(', ')} missing: the joined report would leave out their components`,
      {
        value: missing,
      },
    );
  }
}

/** The shards joined: the report of a single run, whether it shows successes, and where its components are written. */
export function mergeShards(shards: ShardReport[]): { report: Report; showSuccesses: boolean; componentsFile?: ComponentsFile } {
  checkShards(shards);
  const ordered = [...shards].sort((a, b) => a.stamp.index - b.stamp.index);
  const lines: Record<string, number> = {};
  const components: ComponentReport[] = ordered.flatMap((s) =>
    s.report.components.map((c, i) => {
      const extra = s.stamp.components[i]!;
      const joined: ComponentReport = {
        ...c,
        successCount: extra.successCount,
        ...(extra.infrastructureError ? { infrastructureError: extra.infrastructureError } : {}),
      };
      if (extra.line !== undefined) lines[locationKey(joined)] = extra.line;
      return joined;
    }),
  );
  // ec's report order: containerImage descending (stable: ties keep their shard's order).
  components.sort((a, b) => (a.containerImage < b.containerImage ? 1 : a.containerImage > b.containerImage ? -1 : 0));
  const first = ordered[0]!;
  const report: Report = { ...first.report, success: components.every((c) => c.success), components };
  const file = first.stamp.file;
  const { showSuccesses } = first.stamp;
  return file !== undefined ? { report, showSuccesses, componentsFile: { path: file, lines } } : { report, showSuccesses };
}
