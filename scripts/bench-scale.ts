// `npm run bench -- scale` (or `node scripts/bench-scale.ts`): vouch at 100 to 10,000 components,
// measured, not asserted (docs/benchmarks.md, "10,000 components").
//
// Preparing 10,000 images with the cosign CLI would take ~30,000 cosign runs (~0.4 s of CPU each).
// Instead the real cosign signs and attests ONE template image (key-signed, no tlog, the legacy
// `.sig`/`.att` layout, two attestations: SLSA v1 provenance and a custom predicate), and every other
// image gets artefacts of exactly that shape, re-signed here with the same ECDSA P-256 key: its own
// simple-signing payload and in-toto statements naming its own digest, its own signatures. Images
// share one layer blob; each has its own config blob (so its own digest) in one of 100 repositories.
// A sample of the made images is then checked by the real `cosign verify` and
// `cosign verify-attestation`, so the shape is cosign's, not ours.
//
// The registry (Debian's docker-registry) keeps its data in BENCH_SCALE_DIR across runs, on a fixed
// port (the port is part of each signed reference); a run is cold: a fresh --cache-dir each time.
//
//   node scripts/bench-scale.ts prepare 10000
//   node scripts/bench-scale.ts run 100,1000,3000,10000 none,example,one-rule
//   BENCH_SCALE_REGISTRY_PROF=DIR node scripts/bench-scale.ts run 1000 example   # + the registry's Go CPU profile
//                                                     # (its first BENCH_SCALE_REGISTRY_PROF_S=10 s) in DIR
//   node scripts/bench-scale.ts mirror 10000           # the same images, byte for byte, into a persistent olareg
//   BENCH_SCALE_REGISTRY=olareg node scripts/bench-scale.ts run 10000 example   # run and ec against that mirror
//   node scripts/bench-scale.ts requests 100          # requests per component, docker-registry and olareg
//   BENCH_RELEASE_POLICY=DIR node scripts/bench-scale.ts release 1000   # conforma/policy's release policy (@redhat):
//                                                     # requests and evaluation CPU per component
//                                                     # (BENCH_KEEP_PROF=1 keeps the profiles)
//   node scripts/bench-scale.ts release 100 shared-lookup   # the same for one image every component looks up
//   node scripts/bench-scale.ts vsa 1000               # re-runs trusting VSAs: cold, warm, VSA re-runs, alternated
//                                                     # (BENCH_VSA_PROF=DIR adds a profiled warm run and VSA re-run)
//   node scripts/bench-scale.ts report docs/benchmarks-scale.svg   # the table of the last results, and the chart
//   node scripts/bench-scale.ts ec ~/.cache/ec-ref/ec 10,100,300,1000  # the side by side with the real ec (scripts/bench-ec.ts)
import { execFile, spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign as ecSign, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { dsse } from '@sigstore/core';
import { RegistryClient } from '../src/oci/client.ts';
import { mapLimited } from '../src/util/map-limited.ts';
import { parseReference } from '../src/oci/reference.ts';
import { MediaType, isIndex, type FetchedManifest, type ImageReference } from '../src/oci/types.ts';
import type { PolicySpec } from '../src/model/policy-spec.ts';
import type { ComponentReport } from '../src/model/report.ts';
import type { InTotoStatement } from '../src/model/statement.ts';
import { IN_TOTO_PAYLOAD_TYPE, SLSA_VSA_PREDICATE_TYPE } from '../src/model/vsa.ts';
import { preparePolicy } from '../src/policy/engine.ts';
import { slsaVsaStatement } from '../src/report/vsa/predicate.ts';
import { parseValidateArgs } from '../src/validate/entry.ts';
import { policyLoadOptions } from '../src/validate/policy-load.ts';
import { VERSION } from '../src/version.ts';
import { WORKER_FILENAME } from '../src/policy/wasm/worker-launch.ts';
import { attest, sign } from '../test/support/cosign.ts';
import { slsaV1 } from '../test/support/predicates.ts';
import { startProxy } from '../test/support/proxy.ts';
import { httpAnswers } from '../test/support/ready.ts';
import { freePort, serveTool, startReferrersRegistry } from '../test/support/registry.ts';
import { toolPath } from '../test/support/tools.ts';
import { ecRowsAt, scratch, writeEcSection, type EcRow } from './bench-ec.ts';
import {
  appendCosignLayer,
  bundleModules,
  busyByStage,
  extraLines,
  markdownTable,
  profileByArea,
  repeatedLines,
  requestBreakdown,
  timeUnder,
  vsaRoundOrder,
  vsaTableRows,
  withBlock,
  type CpuProfile,
  type Stage,
  type VsaRunMeasure,
} from './bench-lib.ts';
import { bundleEvaluationWorker } from './bundle.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const dir = process.env.BENCH_SCALE_DIR ?? join(tmpdir(), 'vouch-bench-scale');
const client = new RegistryClient({ env: {} });
const REPOS = 100;
const SCAN_TYPE = 'https://example.com/attestations/scan/v1';

interface State {
  port: number;
  count: number;
  /** `host/repo:tag` and its digest, in order. */
  images: { ref: string; digest: string }[];
}

const statePath = join(dir, 'state.json');
const keyPem = join(dir, 'bench-import.pem');
const pub = join(dir, 'bench.pub');

async function loadState(): Promise<State | undefined> {
  return existsSync(statePath) ? (JSON.parse(await readFile(statePath, 'utf8')) as State) : undefined;
}

/** The prepared images, at least `n` of them, or an error saying what to run first. */
async function requireState(n: number): Promise<State> {
  const state = await loadState();
  if (!state) throw new Error(`no images in ${dir}: run "prepare" first`);
  if (n > state.count) throw new Error(`only ${state.count} images prepared in ${dir}: remove it and run "prepare ${n}"`);
  return state;
}

interface ServedRegistry {
  host: string;
  /** The registry's own CPU seconds so far (user + system), when this script started it. */
  cpuS(): Promise<number | undefined>;
  /** BENCH_SCALE_REGISTRY_PROF (docker-registry only): the Go CPU profile of the next `seconds`, written to `file`. */
  profile?(seconds: number, file: string): Promise<void>;
  stop(): Promise<void>;
}

/** utime + stime of a process, from /proc/<pid>/stat (in clock ticks of 1/100 s on Linux). */
async function processCpuS(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the command name (which may hold spaces), closed by its last ')'.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

/** The pid of a running `tool` whose command line holds `marker` (Linux /proc; undefined elsewhere). */
async function findPid(tool: string, marker: string): Promise<number | undefined> {
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(tool) && cmd.includes(marker)) return Number(pid);
  }
  return undefined;
}

/**
 * `tool args` serving on `host` until stopped. One already serving there (a `prepare` still running,
 * or started by hand) is measured as it is: its CPU found by `marker`, an argument of its command line.
 */
async function serve(tool: string, host: string, marker: string, args: () => Promise<string[]>): Promise<ServedRegistry> {
  if (await httpAnswers(`http://${host}/v2/`, (s) => s === 200).catch(() => false)) {
    const running = await findPid(tool, marker);
    return { host, cpuS: () => (running === undefined ? Promise.resolve(undefined) : processCpuS(running)), stop: () => Promise.resolve() };
  }
  const { pid, stop } = await serveTool(tool, await args(), host);
  return { host, cpuS: () => (pid === undefined ? Promise.resolve(undefined) : processCpuS(pid)), stop };
}

/** docker-registry on the state's port, its data kept in `dir`. */
async function serveRegistry(port: number): Promise<ServedRegistry> {
  const host = `127.0.0.1:${port}`;
  // distribution's debug listener serves Go's pprof: where the registry's CPU goes (docs/benchmarks.md).
  const debug = process.env.BENCH_SCALE_REGISTRY_PROF ? `127.0.0.1:${await freePort()}` : undefined;
  const config = join(dir, 'registry.yml');
  const served = await serve('docker-registry', host, config, async () => {
    await writeFile(
      config,
      `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'registry')}\nhttp:\n  addr: ${host}\n${debug ? `  debug:\n    addr: ${debug}\n` : ''}`,
    );
    return ['serve', config];
  });
  if (!debug) return served;
  const profile = async (seconds: number, file: string): Promise<void> => {
    const res = await fetch(`http://${debug}/debug/pprof/profile?seconds=${seconds}`);
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
  };
  return { ...served, profile };
}

// The olareg mirror of the prepared images (`mirror N`): the same bytes, served by the OCI 1.1
// registry of the tests, which costs about a tenth of docker-registry's CPU per request.
const mirrorPath = join(dir, 'olareg.json');
const mirrorDir = join(dir, 'olareg');

async function loadMirror(): Promise<{ port: number; count: number } | undefined> {
  return existsSync(mirrorPath) ? (JSON.parse(await readFile(mirrorPath, 'utf8')) as { port: number; count: number }) : undefined;
}

function serveOlareg(port: number): Promise<ServedRegistry> {
  return serve('olareg', `127.0.0.1:${port}`, mirrorDir, () =>
    Promise.resolve(['serve', '--addr', '127.0.0.1', '--port', String(port), '--dir', mirrorDir, '--gc-frequency=-1s']),
  );
}

/** The registry the measuring modes use: BENCH_SCALE_REGISTRY=docker-registry (prepare's, the default) or olareg (the mirror). */
async function serveMeasured(state: State, n: number): Promise<ServedRegistry> {
  const kind = process.env.BENCH_SCALE_REGISTRY ?? 'docker-registry';
  if (kind === 'docker-registry') return serveRegistry(state.port);
  if (kind !== 'olareg') throw new Error(`BENCH_SCALE_REGISTRY=${kind}: docker-registry or olareg`);
  const mirror = await loadMirror();
  if (!mirror || mirror.count < n) throw new Error(`${mirror?.count ?? 0} images mirrored into olareg: run "mirror ${n}" first`);
  return serveOlareg(mirror.port);
}

/** Copies images [mirrored, count) with their `.sig`/`.att` artefacts from docker-registry into olareg, byte for byte. */
async function mirror(count: number): Promise<void> {
  const state = await loadState();
  if (!state || state.count < count) throw new Error(`${state?.count ?? 0} images prepared in ${dir}: run "prepare ${count}" first`);
  const previous = await loadMirror();
  const port = previous?.port ?? (await freePort());
  const [from, to] = [await serveRegistry(state.port), await serveOlareg(port)];
  const copyTag = (repository: string, tag: string): Promise<unknown> =>
    copyManifest(parseReference(`${from.host}/${repository}:${tag}`), parseReference(`${to.host}/${repository}:${tag}`), tag);
  try {
    const started = Date.now();
    await mapLimited(state.images.slice(previous?.count ?? 0, count), 16, async (img) => {
      const ref = parseReference(img.ref);
      const tag = img.digest.replace(':', '-');
      for (const t of [ref.tag!, `${tag}.sig`, `${tag}.att`]) await copyTag(ref.repository, t);
    });
    await writeFile(mirrorPath, JSON.stringify({ port, count: Math.max(count, previous?.count ?? 0) }));
    process.stderr.write(`bench-scale: ${count} images in olareg (${to.host}), ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await to.stop();
    await from.stop();
  }
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/** One image: the shared layer, its own config (its index in a label), its own manifest. */
async function pushImage(host: string, i: number, layer: { digest: string; size: number }): Promise<{ ref: string; digest: string }> {
  const ref = parseReference(`${host}/scale/app-${i % REPOS}:c${i}`);
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'org.opencontainers.image.title': ref.repository, 'vouch.bench/index': String(i) }, Env: ['PATH=/usr/bin'], Cmd: ['/app'] },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  });
  const cfg = await client.pushBlob(ref, config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: cfg.digest, size: cfg.size },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
  });
  const desc = await client.pushManifest(ref, ref.tag!, manifest, MediaType.OciManifest);
  return { ref: `${host}/${ref.repository}:${ref.tag!}`, digest: desc.digest };
}

/** What the real cosign wrote for the template image: payloads, predicates, annotations. */
interface Template {
  payload: string;
  templateRepo: string;
  templateDigest: string;
  statements: { statement: Record<string, unknown>; predicateType: string }[];
}

async function readTemplate(host: string, img: { ref: string; digest: string }): Promise<Template> {
  const ref = parseReference(img.ref);
  const tag = img.digest.replace(':', '-');
  const manifestOf = async (suffix: string): Promise<{ layers: { digest: string; annotations: Record<string, string> }[] }> =>
    JSON.parse((await run(toolPath('crane'), ['manifest', `${host}/${ref.repository}:${tag}.${suffix}`])).stdout) as {
      layers: { digest: string; annotations: Record<string, string> }[];
    };
  const blob = async (digest: string): Promise<string> => (await run(toolPath('crane'), ['blob', `${host}/${ref.repository}@${digest}`])).stdout;
  const sig = await manifestOf('sig');
  const att = await manifestOf('att');
  const statements = await Promise.all(
    att.layers.map(async (l) => {
      const env = JSON.parse(await blob(l.digest)) as { payload: string };
      return {
        statement: JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>,
        predicateType: l.annotations.predicateType!,
      };
    }),
  );
  return { payload: await blob(sig.layers[0]!.digest), templateRepo: `${host}/${ref.repository}`, templateDigest: img.digest, statements };
}

/** cosign's image config for a signature artefact: empty but for the layers' diff_ids. */
const artefactConfig = (layers: string[]): Buffer =>
  json({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: layers },
    config: {},
  });

/** The `.sig` and `.att` artefacts of one image, shaped as the template's, signed with `key`. */
async function signLikeCosign(img: { ref: string; digest: string }, tpl: Template, key: KeyObject): Promise<void> {
  const ref = parseReference(img.ref);
  const repo = `${ref.registry}/${ref.repository}`;
  const tag = img.digest.replace(':', '-');
  const artefact = async (suffix: string, layers: { mediaType: string; bytes: Buffer; annotations: Record<string, string> }[]): Promise<void> => {
    const pushed = await Promise.all(layers.map((l) => client.pushBlob(ref, l.bytes)));
    const cfg = await client.pushBlob(ref, artefactConfig(pushed.map((p) => p.digest)));
    const manifest = json({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, size: cfg.size, digest: cfg.digest },
      layers: layers.map((l, i) => ({ mediaType: l.mediaType, size: pushed[i]!.size, digest: pushed[i]!.digest, annotations: l.annotations })),
    });
    await client.pushManifest(ref, `${tag}.${suffix}`, manifest, MediaType.OciManifest);
  };
  const payload = Buffer.from(tpl.payload.replace(tpl.templateRepo, repo).replace(tpl.templateDigest, img.digest));
  await artefact('sig', [
    {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      bytes: payload,
      annotations: { 'dev.cosignproject.cosign/signature': ecSign('sha256', payload, key).toString('base64') },
    },
  ]);
  await artefact(
    'att',
    tpl.statements.map(({ statement, predicateType }) => {
      const envelope = cosignEnvelope({ ...statement, subject: [{ name: repo, digest: { sha256: img.digest.slice('sha256:'.length) } }] }, key);
      return { mediaType: MediaType.DsseEnvelope, bytes: envelope, annotations: { 'dev.cosignproject.cosign/signature': '', predicateType } };
    }),
  );
}

function cosignEnv(): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, COSIGN_PASSWORD: '' };
}

async function prepare(count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const previous = await loadState();
  if (previous && previous.count >= count) {
    process.stderr.write(`bench-scale: ${previous.count} images already in ${dir}\n`);
    return;
  }
  if (previous) throw new Error(`${dir} holds ${previous.count} images; remove it to prepare ${count}`);
  const port = await freePort();
  const reg = await serveRegistry(port);
  try {
    // The key: P-256 made here (so this script can sign), imported into cosign's format.
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(keyPem, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await run(toolPath('cosign'), ['import-key-pair', '--key', keyPem, '--output-key-prefix', join(dir, 'bench')], { env: cosignEnv() });
    const cosignKey = { key: join(dir, 'bench.key'), pub };
    const layerBytes = Buffer.alloc(256, 7);
    const layers = await mapLimited(
      Array.from({ length: REPOS }, (_, r) => r),
      8,
      (r) => client.pushBlob(parseReference(`${reg.host}/scale/app-${r}:x`), layerBytes),
    );
    const started = Date.now();
    const images = await mapLimited(
      Array.from({ length: count }, (_, i) => i),
      16,
      (i) => pushImage(reg.host, i, layers[i % REPOS]!),
    );
    process.stderr.write(`bench-scale: ${count} images pushed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    // The template: image 0, signed and attested by the real cosign.
    const t0 = images[0]!;
    const pinned0 = `${reg.host}/${parseReference(t0.ref).repository}@${t0.digest}`;
    await sign(dir, pinned0, cosignKey);
    await attest(dir, pinned0, cosignKey, slsaV1(), 'slsaprovenance1');
    await attest(dir, pinned0, cosignKey, { scanner: 'bench', result: 'clean' }, SCAN_TYPE);
    const tpl = await readTemplate(reg.host, t0);
    const key = createPrivateKey(await readFile(keyPem));
    const signing = Date.now();
    await mapLimited(images.slice(1), 16, async (img, i) => {
      await signLikeCosign(img, tpl, key);
      if (i % 1000 === 999) process.stderr.write(`bench-scale: ${i + 1} signed\n`);
    });
    process.stderr.write(`bench-scale: ${count - 1} images signed in ${((Date.now() - signing) / 1000).toFixed(0)} s\n`);
    // The real cosign checks a sample of what was made here.
    const sample = [...new Set([1, Math.floor(count / 2), count - 1])].filter((i) => i > 0 && i < count);
    for (const i of sample) {
      const img = images[i]!;
      const pinned = `${reg.host}/${parseReference(img.ref).repository}@${img.digest}`;
      await run(toolPath('cosign'), ['verify', '--key', pub, '--insecure-ignore-tlog', pinned], { env: cosignEnv() });
      for (const type of ['slsaprovenance1', SCAN_TYPE])
        await run(toolPath('cosign'), ['verify-attestation', '--key', pub, '--insecure-ignore-tlog', '--type', type, pinned], { env: cosignEnv() });
    }
    process.stderr.write(`bench-scale: cosign verify and verify-attestation accept images ${sample.join(', ')}\n`);
    await writeFile(statePath, JSON.stringify({ port, count, images } satisfies State));
  } finally {
    await reg.stop();
  }
}

const ONE_RULE = `package one_rule

import rego.v1

# METADATA
# title: Two attestations
# description: The image has at least two attestations.
# custom:
#   short_name: two_attestations
#   failure_msg: only %d attestations
deny contains result if {
\tcount(input.attestations) < 2
\tresult := {"code": "one_rule.two_attestations", "msg": sprintf("only %d attestations", [count(input.attestations)])}
}
`;

/**
 * Two rules that look up one image outside the measured components (the last prepared one) for
 * every component, by digest and by tag, as a provenance naming a shared base image or task bundle
 * would make the release policy do: the run-wide `ec.oci.*` caches should answer all but the first.
 */
async function sharedLookupPolicy(): Promise<string> {
  const state = await loadState();
  const last = state?.images.at(-1);
  if (!state || !last) throw new Error(`no images in ${dir}: run "prepare" first`);
  const { repository, tag } = parseReference(last.ref);
  const at = (suffix: string): string => `concat("", [split(input.image.ref, "/")[0], "/${repository}${suffix}"])`;
  return `package shared_lookup

import rego.v1

# METADATA
# title: Shared image by digest
# custom:
#   short_name: by_digest
deny contains result if {
\tnot ec.oci.image_manifest(${at(`@${last.digest}`)})
\tresult := {"code": "shared_lookup.by_digest", "msg": "the shared image is not there by digest"}
}

# METADATA
# title: Shared image by tag
# custom:
#   short_name: by_tag
deny contains result if {
\tnot ec.oci.descriptor(${at(`:${tag ?? 'latest'}`)})
\tresult := {"code": "shared_lookup.by_tag", "msg": "the shared image is not there by tag"}
}
`;
}

async function policyArg(kind: string): Promise<string> {
  if (kind === 'none') return JSON.stringify({ sources: [] });
  if (kind === 'example') return JSON.stringify({ sources: [{ name: 'release', policy: [join(root, 'examples', 'policies')] }] });
  if (kind === 'one-rule') {
    const p = join(dir, 'one-rule');
    await mkdir(p, { recursive: true });
    await writeFile(join(p, 'one_rule.rego'), ONE_RULE);
    return JSON.stringify({ sources: [{ name: 'one', policy: [p] }] });
  }
  if (kind === 'release') {
    // conforma/policy's release policy as ec users give it (scripts/differential.ts): its library,
    // the release rules, the example data, the @redhat collection. The checkout is the caller's.
    const repo = process.env.BENCH_RELEASE_POLICY ?? '';
    if (!repo || !existsSync(join(repo, 'policy', 'release')))
      throw new Error('the release policy: set BENCH_RELEASE_POLICY to a conforma/policy checkout (policy/lib, policy/release, example/data)');
    return JSON.stringify({
      sources: [
        {
          name: 'release',
          policy: [join(repo, 'policy/lib'), join(repo, 'policy/release')],
          data: [join(repo, 'example/data')],
          config: { include: ['@redhat'] },
        },
      ],
    });
  }
  if (kind === 'shared-lookup') {
    const p = join(dir, 'shared-lookup');
    await mkdir(p, { recursive: true });
    await writeFile(join(p, 'shared_lookup.rego'), await sharedLookupPolicy());
    return JSON.stringify({ sources: [{ name: 'shared', policy: [p] }] });
  }
  throw new Error(`unknown policy ${kind}: none, example, one-rule, release or shared-lookup`);
}

export interface Measured {
  n: number;
  policy: string;
  wallS: number;
  userS: number;
  sysS: number;
  maxRssMiB: number;
  exit: number;
  components: number;
  passed: number;
  /** Components reported from a VSA (`vsa` mode). */
  fromVsa?: number;
  load: string;
  /** The loopback registry's own CPU seconds over the run (when this script started the registry). */
  registryCpuS?: number;
  /** Which loopback registry served the run (BENCH_SCALE_REGISTRY). */
  registry?: string;
}

/** /usr/bin/time -v's fields. */
function timeFields(text: string): { wallS: number; userS: number; sysS: number; maxRssMiB: number } {
  const field = (name: string): string => new RegExp(`${name}: (.+)`).exec(text)?.[1]?.trim() ?? '0';
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number);
  const wallS = wall.reduce((s, v) => s * 60 + v, 0);
  return {
    wallS,
    userS: Number(field('User time \\(seconds\\)')),
    sysS: Number(field('System time \\(seconds\\)')),
    maxRssMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
  };
}

async function components(state: State, n: number, host: string): Promise<string> {
  const file = join(dir, `components-${n}-${host.replace(':', '_')}.json`);
  const list = state.images.slice(0, n).map((img, i) => ({ name: `c${i}`, containerImage: img.ref.replace(`127.0.0.1:${state.port}`, host) }));
  await writeFile(file, JSON.stringify({ components: list }));
  return file;
}

/** How one run differs from the cold run of `run`: node flags (--cpu-prof), vouch flags, a cache kept, other images. */
interface RunOptions {
  extraNode?: string[];
  extraArgs?: string[];
  /** A cache directory the caller keeps (a warm run reuses a cold run's); default: a fresh one, removed after. */
  cache?: string;
  /** The components file; default: images 0…N−1 of `prepare`. */
  componentsFile?: string;
}

/** vouch's `validate image` flags of a bench run (also what the policy's content digest is taken with). */
async function validateFlags(componentsFile: string, policy: string, report: string, extraArgs: string[] = []): Promise<string[]> {
  return [
    '--images',
    componentsFile,
    '--public-key',
    pub,
    '--ignore-rekor',
    '--policy',
    await policyArg(policy),
    '--output',
    `json=${report}`,
    '--strict=false',
    '--workers',
    process.env.BENCH_SCALE_WORKERS ?? '8',
    '--timeout',
    '30m',
    ...extraArgs,
  ];
}

/** One run of dist/index.js under /usr/bin/time -v (cold unless `opts.cache` holds an earlier run's cache). */
async function measure(state: State, n: number, policy: string, host: string, o: RunOptions = {}): Promise<Measured> {
  const cache = o.cache ?? (await mkdtemp(join(dir, 'cache-')));
  const report = join(cache, 'report.json');
  const args = [
    '-v',
    process.execPath,
    ...(o.extraNode ?? []),
    process.env.BENCH_SCALE_VOUCH ?? join(root, 'dist/index.js'),
    'validate',
    'image',
    ...(await validateFlags(o.componentsFile ?? (await components(state, n, host)), policy, report, o.extraArgs)),
  ];
  const load = (await run('uptime')).stdout.replace(/.*load average: /, '').trim();
  const res = await new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = spawn('/usr/bin/time', args, {
      env: { ...process.env, VOUCH_CACHE_DIR: cache, PATH: `${dirname(toolPath('opa'))}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('exit', (c) => {
      resolve({ code: c ?? 1, stderr });
    });
  });
  const parsed = JSON.parse(await readFile(report, 'utf8').catch(() => '{"components":[]}')) as { components: { success: boolean; vsa?: unknown }[] };
  if (o.cache === undefined) await rm(cache, { recursive: true, force: true });
  else await rm(report, { force: true });
  if (res.code !== 0) process.stderr.write(res.stderr);
  return {
    n,
    policy,
    ...timeFields(res.stderr),
    exit: res.code,
    components: parsed.components.length,
    passed: parsed.components.filter((c) => c.success).length,
    fromVsa: parsed.components.filter((c) => c.vsa !== undefined).length,
    load,
  };
}

async function runCurve(sizes: number[], policies: string[]): Promise<void> {
  const state = await requireState(Math.max(...sizes));
  const reg = await serveMeasured(state, Math.max(...sizes));
  try {
    for (const n of sizes) {
      for (const policy of policies) {
        const before = await reg.cpuS();
        const profDir = process.env.BENCH_SCALE_REGISTRY_PROF;
        const profFile = profDir ? join(profDir, `registry-${n}-${policy}.pprof`) : undefined;
        const profiled = profFile ? reg.profile?.(Number(process.env.BENCH_SCALE_REGISTRY_PROF_S ?? 10), profFile) : undefined;
        const measured = await measure(state, n, policy, reg.host, {
          extraNode: process.env.BENCH_SCALE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SCALE_PROF] : [],
        });
        const after = await reg.cpuS();
        await profiled;
        if (profFile) process.stderr.write(`bench-scale: the registry's CPU profile: go tool pprof -top -cum ${toolPath('docker-registry')} ${profFile}\n`);
        const m = {
          ...measured,
          registry: process.env.BENCH_SCALE_REGISTRY ?? 'docker-registry',
          ...(before !== undefined && after !== undefined ? { registryCpuS: Math.round((after - before) * 100) / 100 } : {}),
        };
        await writeFile(join(dir, 'results.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), ...m })}\n`, { flag: 'a' });
        process.stdout.write(`${JSON.stringify(m)}\n`);
      }
    }
  } finally {
    await reg.stop();
  }
}

/** Requests per component at the data floor (cold, no policy), on docker-registry and on olareg. */
async function countRequests(n: number): Promise<void> {
  const state = await requireState(n);
  const reg = await serveRegistry(state.port);
  const olareg = await startReferrersRegistry();
  try {
    // The same images and their .sig/.att tags, copied into olareg by the real crane.
    const subset = state.images.slice(0, n);
    await mapLimited(subset, 4, async (img) => {
      const ref = parseReference(img.ref);
      const tag = img.digest.replace(':', '-');
      for (const t of [ref.tag!, `${tag}.sig`, `${tag}.att`])
        await run(toolPath('crane'), ['copy', `${reg.host}/${ref.repository}:${t}`, `${olareg.host}/${ref.repository}:${t}`]);
    });
    for (const [name, host] of [
      ['docker-registry', reg.host],
      ['olareg', olareg.host],
    ] as const) {
      const proxy = await startProxy(host);
      try {
        const m = await measure(state, n, 'none', proxy.host);
        const lines = proxy.requests();
        process.stdout.write(
          `${JSON.stringify({ registry: name, n, exit: m.exit, passed: m.passed, perComponent: lines.length / n, breakdown: requestBreakdown(lines, n) })}\n`,
        );
      } finally {
        proxy.close();
      }
    }
  } finally {
    await olareg.stop();
    await reg.stop();
  }
}

/**
 * The release policy (BENCH_RELEASE_POLICY, @redhat; or `shared-lookup`) at N, behind the counting
 * proxy: the run with no policy gives the component's own requests, the policy run's extra ones are
 * the policy's `ec.oci.*` lookups; a third, profiled run gives the evaluation workers' CPU per component.
 */
async function releaseRow(n: number, policy = 'release'): Promise<void> {
  // One more than measured: the shared-lookup policy looks up the last prepared image.
  const state = await requireState(n + 1);
  await policyArg(policy);
  const reg = await serveRegistry(state.port);
  const proxy = await startProxy(reg.host);
  const take = (): string[] => proxy.since();
  try {
    const none = await measure(state, n, 'none', proxy.host);
    const own = take();
    const release = await measure(state, n, policy, proxy.host);
    const lines = take();
    const policyLines = extraLines(own, lines);
    const profDir = await mkdtemp(join(dir, 'prof-'));
    const profiled = await measure(state, n, policy, proxy.host, { extraNode: ['--cpu-prof', '--cpu-prof-dir', profDir] });
    take();
    const evaluation = await evaluationCpu(profDir);
    if (!process.env.BENCH_KEEP_PROF) await rm(profDir, { recursive: true, force: true });
    const row = {
      ...release,
      noPolicyCpuS: none.userS + none.sysS,
      requestsPerComponent: lines.length / n,
      ownRequestsPerComponent: own.length / n,
      policyRequestsPerComponent: policyLines.length / n,
      policyRequests: requestBreakdown(policyLines, n),
      repeatedRequestsPerComponent: repeatedLines(lines).length / n,
      repeatedRequests: requestBreakdown(repeatedLines(lines), n),
      evalCpuMsPerComponent: evaluation.ms / n,
      wasmMsPerComponent: evaluation.wasmMs / n,
      ecWaitMsPerComponent: evaluation.waitMs / n,
      evaluationWorkers: evaluation.workers,
      profiledExit: profiled.exit,
    };
    await writeFile(join(dir, 'results.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), ...row })}\n`, { flag: 'a' });
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    proxy.close();
    await reg.stop();
  }
}

/** Node names a profile CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main one. */
const WORKER_PROFILE = /^CPU\.\d+\.\d+\.\d+\.[1-9]\d*\.\d+\.cpuprofile$/;

/**
 * The evaluation workers' CPU in a --cpu-prof directory: the samples inside `evaluateWith` (one
 * component's evaluation, src/policy/wasm/worker.ts), less the waits on the main thread's `ec.*`
 * answers; a worker's start and policy load are left out (fixed per worker, not per component).
 */
async function evaluationCpu(profDir: string): Promise<{ ms: number; wasmMs: number; waitMs: number; workers: number }> {
  const workers = (await readdir(profDir)).filter((f) => WORKER_PROFILE.test(f));
  const sum = { ms: 0, wasmMs: 0, waitMs: 0, workers: workers.length };
  for (const file of workers) {
    const t = timeUnder(JSON.parse(await readFile(join(profDir, file), 'utf8')) as CpuProfile, 'evaluateWith', 'roundTrip');
    sum.ms += t.ms;
    sum.wasmMs += t.wasmMs;
    sum.waitMs += t.waitMs;
  }
  // A renamed function would read as free evaluation: say so rather than print zero.
  if (workers.length > 0 && sum.ms === 0)
    process.stderr.write(`bench-scale: no samples inside evaluateWith in ${profDir}: was src/policy/wasm/worker.ts's function renamed?\n`);
  return sum;
}

// ---- `vsa N`: re-runs trusting VSAs at scale (issue 14 item 7) ----

/** The copies the VSAs are attached to live in repositories of their own: the prepared images stay as `run`, `ec`, `release` and `requests` measure them. */
const VSA_REPOS = 'scale-vsa';
const vsaKeyPem = join(dir, 'vsa-key.pem');
const vsaPub = join(dir, 'vsa.pub');
/** Which copies hold VSAs, per registry (BENCH_SCALE_REGISTRY: the copies are made in the one measured). */
const vsaStatePath = join(dir, process.env.BENCH_SCALE_REGISTRY === 'olareg' ? 'vsa-state-olareg.json' : 'vsa-state.json');
/** Attached VSAs are made again when older than this (--vsa-expiration is 168 h by default). */
const VSA_REFRESH_MS = 24 * 3600_000;

interface VsaState {
  /** Copies 0…count−1 carry a VSA. */
  count: number;
  /** The policy content digest the VSAs name. */
  policyDigest: string;
  timeVerified: string;
}

/** Image i's copy: the same manifest (so the same digest), its `.sig` as it is, its `.att` with a VSA appended. */
const vsaCopyRef = (img: { ref: string }, host: string): string => img.ref.replace(/^[^/]+\/scale\//, `${host}/${VSA_REPOS}/`);

/** The VSA signer's key: P-256, made once, kept beside the bench key. */
async function vsaKey(): Promise<KeyObject> {
  if (!existsSync(vsaKeyPem)) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(vsaKeyPem, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(vsaPub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return createPrivateKey(await readFile(vsaKeyPem));
}

/** A signed DSSE envelope of `statement`, as cosign attest writes it into a `.att` layer. */
function cosignEnvelope(statement: unknown, key: KeyObject): Buffer {
  const body = json(statement);
  return json({
    payload: body.toString('base64'),
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    signatures: [{ sig: ecSign('sha256', dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, body), key).toString('base64') }],
  });
}

/** Copies one manifest and the blobs it names from `src` to `dst` (the bytes as they are); the `.att` is not pushed when `push` is false. */
async function copyManifest(src: ImageReference, dst: ImageReference, tag: string, push = true): Promise<FetchedManifest & { blobs: Buffer[] }> {
  const fetched = await client.getManifest(src, tag, { strict: true });
  if (isIndex(fetched.manifest)) throw new Error(`${src.repository}:${tag} is not an image manifest`);
  const m = fetched.manifest;
  const blobs = await Promise.all([m.config, ...m.layers].map((d) => client.getBlob(src, d)));
  for (const b of blobs) await client.pushBlob(dst, b);
  if (push) await client.pushManifest(dst, tag, fetched.bytes, fetched.descriptor.mediaType);
  return { ...fetched, blobs };
}

interface VsaPolicy {
  prepared: { spec: PolicySpec; digest: string };
  /** The --policy argument as given. */
  source: string;
}

/**
 * Image i's copy with a VSA: the image manifest and its `.sig` copied, the `.att` made again from the
 * prepared image's (so attaching twice leaves one VSA) with one more layer, the VSA vouch would write
 * for a PASSED component (src/report/vsa/predicate.ts), signed with the VSA key.
 */
async function attachVsa(host: string, img: { ref: string; digest: string }, policy: VsaPolicy, key: KeyObject, time: Date): Promise<void> {
  const src = parseReference(img.ref);
  const dst = parseReference(vsaCopyRef(img, host));
  const tag = img.digest.replace(':', '-');
  await copyManifest(src, dst, src.tag!);
  await copyManifest(src, dst, `${tag}.sig`);
  const att = await copyManifest(src, dst, `${tag}.att`, false);
  const [configBytes, ...envelopes] = att.blobs;
  const attestations = envelopes.map(
    (e) => JSON.parse(Buffer.from((JSON.parse(e.toString('utf8')) as { payload: string }).payload, 'base64').toString('utf8')) as InTotoStatement,
  );
  const report = { name: src.tag!, containerImage: `${dst.registry}/${dst.repository}@${img.digest}`, source: {}, success: true } satisfies ComponentReport;
  const statement = slsaVsaStatement(
    { report, attestations },
    {
      policy: { spec: policy.prepared.spec, digest: policy.prepared.digest, source: policy.source, publicKey: await readFile(pub, 'utf8') },
      version: VERSION,
      time,
    },
  );
  if (!statement) throw new Error(`no VSA statement for ${report.containerImage}`);
  const envelope = cosignEnvelope(statement, key);
  const layer = await client.pushBlob(dst, envelope);
  const annotations = { 'dev.cosignproject.cosign/signature': '', predicateType: SLSA_VSA_PREDICATE_TYPE };
  const next = appendCosignLayer(att.bytes.toString('utf8'), configBytes!.toString('utf8'), {
    mediaType: MediaType.DsseEnvelope,
    digest: layer.digest,
    size: layer.size,
    annotations,
  });
  await client.pushBlob(dst, next.config);
  await client.pushManifest(dst, `${tag}.att`, next.manifest, MediaType.OciManifest);
}

/** The content digest of the example policy as a run with these flags computes it (src/policy/engine.ts preparePolicy), nothing compiled. */
async function examplePolicy(componentsFile: string): Promise<VsaPolicy> {
  const flags = await validateFlags(componentsFile, 'example', join(dir, 'unused-report.json'));
  const { config } = await parseValidateArgs(flags, process.env, root);
  const cacheDir = await mkdtemp(join(dir, 'digest-'));
  try {
    const prepared = await preparePolicy(policyLoadOptions({ ...config, cacheDir }, new Date(), { ...process.env, VOUCH_CACHE_DIR: cacheDir }));
    return { prepared: { spec: prepared.spec, digest: prepared.digest }, source: await policyArg('example') };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Copies 0…n−1 with a VSA for `policy`, made unless an earlier call made them for the same digest, recently enough. */
async function ensureVsas(state: State, host: string, n: number, policy: VsaPolicy): Promise<void> {
  const key = await vsaKey();
  const previous = existsSync(vsaStatePath) ? (JSON.parse(await readFile(vsaStatePath, 'utf8')) as VsaState) : undefined;
  if (previous && previous.count >= n && previous.policyDigest === policy.prepared.digest && Date.now() - Date.parse(previous.timeVerified) < VSA_REFRESH_MS) {
    process.stderr.write(`bench-scale: ${previous.count} copies with VSAs made ${previous.timeVerified} for ${previous.policyDigest}\n`);
    return;
  }
  const time = new Date(Math.floor(Date.now() / 1000) * 1000);
  const started = Date.now();
  await mapLimited(state.images.slice(0, n), 8, async (img, i) => {
    await attachVsa(host, img, policy, key, time);
    if (i % 250 === 249) process.stderr.write(`bench-scale: ${i + 1} VSAs attached\n`);
  });
  process.stderr.write(`bench-scale: ${n} copies with a VSA in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  // The real cosign checks a sample: the VSA verifies with the VSA key as cosign's type, and the
  // copies' own signature and provenance still verify with the bench key.
  const sample = [...new Set([0, 1, Math.floor(n / 2), n - 1])].filter((i) => i < n);
  for (const i of sample) {
    const img = state.images[i]!;
    const pinned = `${vsaCopyRef(img, host).replace(/:[^:/]+$/, '')}@${img.digest}`;
    await run(toolPath('cosign'), ['verify-attestation', '--key', vsaPub, '--insecure-ignore-tlog', '--type', SLSA_VSA_PREDICATE_TYPE, pinned], {
      env: cosignEnv(),
    });
    await run(toolPath('cosign'), ['verify', '--key', pub, '--insecure-ignore-tlog', pinned], { env: cosignEnv() });
    await run(toolPath('cosign'), ['verify-attestation', '--key', pub, '--insecure-ignore-tlog', '--type', 'slsaprovenance1', pinned], { env: cosignEnv() });
  }
  process.stderr.write(`bench-scale: cosign verify-attestation --type ${SLSA_VSA_PREDICATE_TYPE} accepts the VSAs of copies ${sample.join(', ')}\n`);
  await writeFile(vsaStatePath, JSON.stringify({ count: n, policyDigest: policy.prepared.digest, timeVerified: time.toISOString() } satisfies VsaState));
}

const VSA_BEGIN = '<!-- bench: vsa scale -->';
const VSA_END = '<!-- /bench: vsa scale -->';

/**
 * Cold, warm (verdict cache), and the re-runs trusting VSAs on an empty cache and on one holding
 * only the compiled policy, `rounds` times each, alternated (bench-lib.ts vsaRoundOrder), behind the
 * counting proxy; each run a row of results.jsonl, the medians a block of docs/benchmarks.md.
 */
async function vsaRows(n: number, rounds: number, doc: string): Promise<void> {
  const state = await requireState(n);
  const reg = await serveMeasured(state, n);
  const proxy = await startProxy(reg.host);
  const take = (): number => proxy.since().length;
  const work = await mkdtemp(join(dir, 'vsa-run-'));
  try {
    const original = await components(state, n, proxy.host);
    const copies = join(work, 'components-vsa.json');
    await writeFile(
      copies,
      JSON.stringify({ components: state.images.slice(0, n).map((img, i) => ({ name: `c${i}`, containerImage: vsaCopyRef(img, proxy.host) })) }),
    );
    const policy = await examplePolicy(copies);
    await ensureVsas(state, reg.host, n, policy);
    const runs: VsaRunMeasure[] = [];
    let coldCache: string | undefined;
    for (let round = 0; round < rounds; round++) {
      for (const condition of vsaRoundOrder(round)) {
        let cache: string | undefined;
        if (condition === 'cold') cache = coldCache = await mkdtemp(join(work, 'cold-'));
        else if (condition === 'warm') cache = coldCache;
        else if (condition === 'vsa-compiled') {
          cache = await mkdtemp(join(work, 'compiled-'));
          await cp(join(coldCache!, 'compiled'), join(cache, 'compiled'), { recursive: true });
        }
        const vsa = condition.startsWith('vsa');
        take();
        const registryBefore = await reg.cpuS();
        const m = await measure(state, n, 'example', proxy.host, {
          componentsFile: vsa ? copies : original,
          ...(vsa ? { extraArgs: ['--vsa-public-key', vsaPub] } : {}),
          ...(cache ? { cache } : {}),
        });
        const registryAfter = await reg.cpuS();
        const row: VsaRunMeasure = {
          condition,
          ...m,
          requests: take(),
          fromVsa: m.fromVsa ?? 0,
          load: Number(m.load.split(',')[0]),
          ...(registryBefore !== undefined && registryAfter !== undefined ? { registryCpuS: Math.round((registryAfter - registryBefore) * 100) / 100 } : {}),
        };
        if (condition === 'vsa-compiled') await rm(cache!, { recursive: true, force: true });
        runs.push(row);
        await writeFile(
          join(dir, 'results.jsonl'),
          `${JSON.stringify({ at: new Date().toISOString(), mode: 'vsa', round, ...row, policyDigest: policy.prepared.digest })}\n`,
          { flag: 'a' },
        );
        process.stdout.write(`${JSON.stringify({ round, ...row })}\n`);
        if (m.exit !== 0 || m.passed !== n || (vsa && row.fromVsa !== n))
          throw new Error(`the ${condition} run did not pass every component${vsa ? ' from its VSA' : ''}: ${JSON.stringify(row)}`);
      }
    }
    const block = `${VSA_BEGIN}\n${vsaSection(runs, rounds)}${VSA_END}\n`;
    await writeFile(doc, withBlock(await readFile(doc, 'utf8'), block));
    process.stdout.write(block);
    // BENCH_VSA_PROF=DIR: one more warm run and VSA re-run under --cpu-prof (profiling inflates CPU: not in the table).
    const prof = process.env.BENCH_VSA_PROF;
    if (prof) {
      for (const condition of ['warm', 'vsa-empty'] as const) {
        const profDir = join(prof, condition);
        await mkdir(profDir, { recursive: true });
        await measure(state, n, 'example', proxy.host, {
          extraNode: ['--cpu-prof', '--cpu-prof-dir', profDir],
          componentsFile: condition === 'warm' ? original : copies,
          ...(condition === 'warm' ? { cache: coldCache! } : { extraArgs: ['--vsa-public-key', vsaPub] }),
        });
      }
      for (const condition of ['warm', 'vsa-empty']) process.stdout.write(`${condition}, per thread:\n${await stagesOf(join(prof, condition), n)}`);
      process.stderr.write(`bench-scale: profiles in ${prof}/warm and ${prof}/vsa-empty (npm run bench:scale -- profile DIR: by area)\n`);
    }
  } finally {
    proxy.close();
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** What a thread of a warm run or VSA re-run spends its CPU on, in this order (bench-lib.ts busyByStage). */
const RUN_STAGES: Stage[] = [
  {
    name: 'start-up: compiling the bundle and the Node modules it loads',
    test: (f) =>
      ['compileSourceTextModule', 'compileForInternalLoader', 'compileFunction'].includes(f.functionName) ||
      f.url.startsWith('node:internal/modules/') ||
      f.url.startsWith('node:internal/bootstrap/'),
  },
  { name: "the verdict cache's files", test: (f) => f.file === 'src/validate/verdict-cache.ts' },
  { name: 'policy evaluation', test: (f) => f.functionName === 'evaluateWith' },
  { name: 'posting inputs to the evaluation workers', test: (f) => f.functionName === 'postMessage' || f.file === 'src/policy/wasm/workers.ts' },
  {
    name: 'registry requests (src/oci, node:http, sockets)',
    test: (f) =>
      f.file.startsWith('src/oci/') ||
      /^node:(_http_|http$|https$|net$|internal\/stream_base_commons)/.test(f.url) ||
      ['writeLatin1String', 'writeUtf8String', 'writev'].includes(f.functionName),
  },
  {
    name: 'verification: signatures, VSAs, strict JSON of what they sign',
    test: (f) => f.file.startsWith('src/sigstore/') || f.file.startsWith('src/validate/vsa/'),
  },
  { name: 'the policy: sources, rule results, opa toolchain', test: (f) => f.file.startsWith('src/policy/') },
  { name: 'garbage collector', test: (f) => f.functionName === '(garbage collector)' },
];

/** Busy time per component and share of each stage, per thread of each profile in `profDir`. */
async function stagesOf(profDir: string, n: number): Promise<string> {
  const files = bundleModules(await readFile(process.env.BENCH_SCALE_VOUCH ?? join(root, 'dist/index.js'), 'utf8'), 'file');
  let out = '';
  for (const file of (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const stages = busyByStage(
      JSON.parse(await readFile(join(profDir, file), 'utf8')) as CpuProfile,
      'dist/index.js',
      files,
      RUN_STAGES,
      'the rest: async machinery, report, plan, V8',
    );
    const busy = stages.reduce((a, s) => a + s.ms, 0);
    out += `${file}: ${(busy / 1000).toFixed(2)} s busy, ${((busy * 1000) / n).toFixed(0)} µs per component\n`;
    for (const s of stages.filter((x) => x.ms > 0).sort((a, b) => b.ms - a.ms))
      out += `  ${((s.ms * 1000) / n).toFixed(0).padStart(5)} µs  ${(s.share * 100).toFixed(0).padStart(3)} %  ${s.stage}\n`;
  }
  return out;
}

function vsaSection(runs: VsaRunMeasure[], rounds: number): string {
  const n = runs[0]?.n ?? 0;
  return `Measured by \`npm run bench:scale -- vsa ${n}${rounds === 2 ? '' : ` ${rounds}`}\` on ${new Date().toISOString().slice(0, 10)} (scripts/bench-scale.ts), ${cpus().length} cores, dist/index.js, the example policy, \`--workers 8\`, behind the counting proxy.
Cold and warm run on the prepared images 0…N−1; the VSA re-runs on their copies in \`${VSA_REPOS}/…\` (same digests, same \`.sig\`, the \`.att\` with one more layer: a PASSED SLSA VSA v1 for the policy's content digest, signed in-process with a VSA key of its own, checked on a sample by the real \`cosign verify-attestation --type ${SLSA_VSA_PREDICATE_TYPE}\`), with \`--vsa-public-key\`.
${rounds} rounds, alternated (even rounds cold first, odd rounds the VSA re-runs first); medians, CPU with its range. CPU is user + system of the whole process tree (\`/usr/bin/time\`: every thread, \`opa\` included).

${markdownTable(vsaTableRows(runs))}

`;
}

const PREPARED_IMAGES = {
  command: 'BENCH_ONLY=ec BENCH_N=10,100,300,1000 npm run bench -- --ec PATH',
  images:
    'The images are scripts/bench-scale.ts\'s prepared ones (see "How the 10,000 images are made" below): the shape the real cosign makes (key-signed, legacy `.sig`/`.att` tags, two attestations), verified by the real cosign on a sample, images 0…N−1 of one set.',
};

/**
 * The side by side with the real ec (scripts/bench-ec.ts) on the prepared images, behind a counting
 * proxy; prepares them first when fewer are there. The ec section of `doc` is rewritten after each N.
 */
export async function ecOnPreparedImages(ec: string, sizes: number[], doc: string): Promise<void> {
  const needed = Math.max(...sizes);
  if (((await loadState())?.count ?? 0) < needed) await prepare(needed);
  const state = await loadState();
  if (!state) throw new Error(`no images in ${dir}`);
  const reg = await serveMeasured(state, needed);
  const proxy = await startProxy(reg.host);
  const takeRequests = (): number => proxy.since().length;
  const rows: EcRow[] = [];
  try {
    const work = await scratch();
    const policies = join(root, 'examples', 'policies');
    for (const [i, n] of sizes.entries()) {
      const policy = await policyArg('example');
      const setup = {
        ec,
        node: process.execPath,
        vouch: process.env.BENCH_SCALE_VOUCH ?? join(root, 'dist/index.js'),
        components: await components(state, n, proxy.host),
        publicKey: pub,
        policy,
        workers: 8,
        reps: Number(process.env.BENCH_EC_REPS ?? 2),
        dir: work,
        takeRequests,
      };
      rows.push(...(await ecRowsAt(n, setup, policies, i)));
      const registry = process.env.BENCH_SCALE_REGISTRY ?? 'docker-registry';
      await writeEcSection(doc, rows, {
        command: registry === 'docker-registry' ? PREPARED_IMAGES.command : `BENCH_SCALE_REGISTRY=${registry} ${PREPARED_IMAGES.command}`,
        images: `${PREPARED_IMAGES.images} Registry: ${registry}.`,
      });
    }
  } finally {
    proxy.close();
    await reg.stop();
  }
}

/** CPU time (user + system; wall time on a shared machine measures its load) and peak RSS against N, linear axes (a straight line is a linear run), one line per policy. */
export function renderCurveSvg(results: Measured[]): string {
  const w = 720;
  const h = 300;
  const pad = 56;
  const colors: Record<string, string> = { none: '#6a1b9a', example: '#2e7d32', 'one-rule': '#ef6c00' };
  const maxN = Math.max(...results.map((r) => r.n));
  const panel = (title: string, value: (r: Measured) => number, left: number, width: number): string => {
    const maxY = Math.max(1, ...results.map(value)) * 1.1;
    const x = (n: number): number => left + (n / maxN) * (width - pad);
    const y = (v: number): number => h - pad - (v / maxY) * (h - 2 * pad);
    const lines = Object.entries(colors)
      .map(([policy, color]) => {
        const pts = results.filter((r) => r.policy === policy).sort((a, b) => a.n - b.n);
        if (pts.length === 0) return '';
        const dots = pts.map((r) => `<circle cx="${x(r.n).toFixed(1)}" cy="${y(value(r)).toFixed(1)}" r="3" fill="${color}"/>`).join('');
        return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((r) => `${x(r.n).toFixed(1)},${y(value(r)).toFixed(1)}`).join(' ')}"/>${dots}`;
      })
      .join('\n');
    const ticks = [...new Set(results.map((r) => r.n))]
      .map((n) => `<text x="${x(n).toFixed(1)}" y="${h - pad + 16}" font-size="10" text-anchor="middle">${n}</text>`)
      .join('');
    return `<text x="${left}" y="${pad - 16}" font-size="12">${title}</text>
<line x1="${left}" y1="${h - pad}" x2="${left + width - pad}" y2="${h - pad}" stroke="#333"/><line x1="${left}" y1="${pad}" x2="${left}" y2="${h - pad}" stroke="#333"/>
<text x="${left - 4}" y="${pad + 4}" font-size="10" text-anchor="end">${maxY.toFixed(0)}</text><text x="${left - 4}" y="${h - pad}" font-size="10" text-anchor="end">0</text>
<text x="${left + (width - pad) / 2}" y="${h - 12}" font-size="10" text-anchor="middle">components</text>
${lines}
${ticks}`;
  };
  const legend = Object.entries(colors)
    .map(
      ([policy, color], i) =>
        `<text x="${pad + i * 120}" y="16" fill="${color}" font-size="12">${policy === 'none' ? 'no policy' : policy === 'example' ? 'example policy' : 'one-rule policy'}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${legend}
${panel('CPU time (user + system), s', (r) => r.userS + r.sysS, pad, w / 2)}
${panel('peak RSS, MiB', (r) => r.maxRssMiB, w / 2 + pad / 2, w / 2 - pad / 2)}
</svg>
`;
}

/** The last result of each (N, policy) in results.jsonl, as a table and the SVG. */
async function report(svgPath: string | undefined): Promise<void> {
  const lines = (await readFile(join(dir, 'results.jsonl'), 'utf8')).trim().split('\n');
  const last = new Map<string, Measured>();
  for (const l of lines) {
    const m = JSON.parse(l) as Measured & { mode?: string };
    // Rows of other modes (`vsa`: warm runs and VSA re-runs) are not points of the cold curve.
    if (m.mode !== undefined) continue;
    last.set(`${m.n} ${m.policy}`, m);
  }
  const results = [...last.values()].sort((a, b) => a.n - b.n || a.policy.localeCompare(b.policy));
  process.stdout.write(`| N | policy | wall s | CPU s | peak RSS MiB | µs CPU / component | passed | load (1/5/15 min) |\n|---|---|---|---|---|---|---|---|\n`);
  for (const r of results) {
    process.stdout.write(
      `| ${r.n} | ${r.policy} | ${r.wallS.toFixed(1)} | ${(r.userS + r.sysS).toFixed(1)} | ${r.maxRssMiB.toFixed(0)} | ${(((r.userS + r.sysS) / r.n) * 1e6).toFixed(0)} | ${r.passed}/${r.components} | ${r.load} |\n`,
    );
  }
  if (svgPath) await writeFile(svgPath, renderCurveSvg(results));
}

/** Self time by area of each V8 profile in `profDir` (BENCH_SCALE_PROF=dir on a run: the main thread and each worker). */
async function profile(profDir: string): Promise<void> {
  const modules = bundleModules(await readFile(join(root, 'dist/index.js'), 'utf8'));
  // A worker runs the worker's own build (scripts/bundle.ts), whose functions show under WORKER_FILENAME.
  const workerModules = bundleModules((await bundleEvaluationWorker(root)).code);
  for (const file of (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const worker = WORKER_PROFILE.test(file);
    const areas = profileByArea(
      JSON.parse(await readFile(join(profDir, file), 'utf8')) as CpuProfile,
      worker ? WORKER_FILENAME : 'dist/index.js',
      worker ? workerModules : modules,
    );
    const total = areas.reduce((s, a) => s + a.ms, 0);
    process.stdout.write(`${file}: ${(total / 1000).toFixed(1)} s sampled\n`);
    for (const a of areas.slice(0, 12)) process.stdout.write(`  ${a.area}: ${(a.ms / 1000).toFixed(2)} s (${(a.share * 100).toFixed(1)} %)\n`);
  }
}

async function main(): Promise<void> {
  const [command, arg1, arg2, arg3] = process.argv.slice(2);
  if (command === 'prepare') await prepare(Number(arg1 ?? 10000));
  else if (command === 'mirror') await mirror(Number(arg1 ?? 10000));
  else if (command === 'run') await runCurve((arg1 ?? '100,1000,3000,10000').split(',').map(Number), (arg2 ?? 'none,example,one-rule').split(','));
  else if (command === 'requests') await countRequests(Number(arg1 ?? 100));
  else if (command === 'release') await releaseRow(Number(arg1 ?? 100), arg2);
  else if (command === 'report') await report(arg1);
  else if (command === 'vsa')
    await vsaRows(Number(arg1 ?? 1000), Number(arg2 ?? process.env.BENCH_VSA_ROUNDS ?? 2), arg3 ?? join(root, 'docs', 'benchmarks.md'));
  else if (command === 'profile' && arg1) await profile(arg1);
  else if (command === 'stages' && arg1) process.stdout.write(await stagesOf(arg1, Number(arg2 ?? 1)));
  else if (command === 'ec' && arg1)
    await ecOnPreparedImages(arg1, (arg2 ?? '10,100,300,1000').split(',').map(Number), arg3 ?? join(root, 'docs', 'benchmarks.md'));
  else {
    process.stderr.write(
      'usage: bench-scale.ts prepare N | mirror N | run N,N… POLICY,… | requests N | release N [release|shared-lookup] | vsa N [ROUNDS] [DOC] | report [SVG] | profile DIR | stages DIR N | ec EC_PATH [N,N…] [DOC]\n',
    );
    process.exitCode = 2;
  }
}

// scripts/bench.ts imports ecOnPreparedImages: the commands run only when this file is the one started.
if (import.meta.main) await main();
