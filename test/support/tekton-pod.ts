// Runs a Tekton Task's vouch step the way a pod runs it, without a cluster: the TaskRun's params
// over the Task's defaults (an undeclared one is an error here: Tekton would drop it), Tekton's
// substitution (params first, then workspaces, results and context, so a param holding
// `$(workspaces.data.path)` resolves as it does in a TaskRun), the step template merged with the
// step, env `valueFrom` the pod's fields, the image's ENV and WORKDIR from the Dockerfile,
// workspaces, ConfigMap, downward API and emptyDir volumes as directories, and /tekton/results.
// Paths inside the pod live under `root` (standing for the container's filesystem); paths the pod
// does not mount are the image's, here the host's. The image's entrypoint runs the source entry.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { withCompileCache } from './node-env.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface ParamSpec {
  name: string;
  default?: string;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
}
interface Step {
  name: string;
  image: string;
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  command?: string[];
  args?: string[];
  script?: string;
}
interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  downwardAPI?: { items: { path: string; fieldRef: { fieldPath: string } }[] };
  emptyDir?: Record<string, never>;
}
export interface TaskDoc {
  metadata: { name: string };
  spec: {
    params?: ParamSpec[];
    workspaces?: { name: string; optional?: boolean }[];
    results?: { name: string }[];
    volumes?: Volume[];
    stepTemplate?: { env?: EnvVar[]; volumeMounts?: VolumeMount[] };
    steps: Step[];
  };
}
export interface PipelineDoc {
  metadata: { name: string };
  spec: {
    params?: ParamSpec[];
    tasks: {
      name: string;
      taskRef?: { name: string };
      params?: { name: string; value: string }[];
      workspaces?: { name: string; workspace: string; subPath?: string }[];
    }[];
  };
}

export async function loadDoc<T>(relativePath: string): Promise<T> {
  return yaml.load(await readFile(join(repo, relativePath), 'utf8')) as T;
}

export interface PodSpec {
  task: TaskDoc;
  step: string;
  params: Record<string, string>;
  /** Bound workspaces: name → host directory. */
  workspaces?: Record<string, string>;
  /** The cluster's ConfigMaps: name → data. */
  configMaps?: Record<string, Record<string, string>>;
  /** The pod's labels (Tekton's and the PipelineRun's). */
  labels?: Record<string, string>;
  namespace?: string;
  context?: { pipelineRunName?: string; taskRunName?: string };
  /** What the image provides beyond its Dockerfile ENV: PATH (node and opa). */
  imageEnv: NodeJS.ProcessEnv;
  /** What Kubernetes mounts at /var/run/secrets/kubernetes.io/serviceaccount (ca.crt, namespace, token). */
  serviceAccount?: Record<string, string>;
  /** Files the pod's earlier steps left (container path → content), e.g. a trusted artifact's snapshot. */
  files?: Record<string, string>;
}

export interface PodRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Results written to /tekton/results. */
  results: Record<string, string>;
  /** Host path of a container path. */
  hostPath(containerPath: string): string;
  /** The step's environment as the pod gave it (container paths mapped). */
  env: NodeJS.ProcessEnv;
}

/** `$(params.X)`, `$(params["X"])`, `$(params['X'])`. */
function substituteParams(text: string, values: Map<string, string>): string {
  return text.replace(
    /\$\(params(?:\.([\w.-]+)|\["([\w.-]+)"\]|\['([\w.-]+)'\])\)/g,
    (whole, a?: string, b?: string, c?: string) => values.get((a ?? b ?? c)!) ?? whole,
  );
}

function substituteRest(text: string, task: TaskDoc, spec: PodSpec): string {
  return text
    .replace(/\$\(workspaces\.([\w-]+)\.path\)/g, (_, w: string) => (spec.workspaces?.[w] ? `/workspace/${w}` : ''))
    .replace(/\$\(workspaces\.([\w-]+)\.bound\)/g, (_, w: string) => String(Boolean(spec.workspaces?.[w])))
    .replace(/\$\(results\.([\w-]+)\.path\)/g, (_, r: string) => `/tekton/results/${r}`)
    .replace(/\$\(context\.pipelineRun\.name\)/g, spec.context?.pipelineRunName ?? '')
    .replace(/\$\(context\.taskRun\.name\)/g, spec.context?.taskRunName ?? `${task.metadata.name}-run`)
    .replace(/\$\(context\.task\.name\)/g, task.metadata.name);
}

/** Tekton's params: the TaskRun's over the Task's defaults; undeclared or missing ones are errors. */
export function taskParams(task: TaskDoc, given: Record<string, string>): Map<string, string> {
  const declared = new Map((task.spec.params ?? []).map((p) => [p.name, p]));
  for (const name of Object.keys(given))
    if (!declared.has(name)) throw new Error(`param ${name} is not declared by Task ${task.metadata.name}: Tekton would drop it`);
  const values = new Map<string, string>();
  for (const [name, p] of declared) {
    const v = given[name] ?? p.default;
    if (v === undefined) throw new Error(`param ${name} of Task ${task.metadata.name} has no default and was not passed`);
    values.set(name, v);
  }
  return values;
}

/** The image's ENV, WORKDIR and ENTRYPOINT, from the Dockerfile's last stage. */
async function imageConfig(): Promise<{ env: Record<string, string>; workdir: string; entrypoint: string[] }> {
  const text = (await readFile(join(repo, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const last = text.split(/^FROM /m).pop()!;
  const env: Record<string, string> = {};
  let workdir = '/';
  let entrypoint: string[] = [];
  for (const line of last.split('\n').map((l) => l.trim())) {
    if (line.startsWith('ENV ')) for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
    if (line.startsWith('WORKDIR ')) workdir = line.slice(8).trim();
    if (line.startsWith('ENTRYPOINT ')) entrypoint = JSON.parse(line.slice(11)) as string[];
  }
  return { env, workdir, entrypoint };
}

function downwardValue(fieldPath: string, spec: PodSpec): string {
  if (fieldPath === 'metadata.namespace') return spec.namespace ?? 'default';
  if (fieldPath === 'metadata.labels') {
    // The kubelet's format: sorted `key="value"` lines.
    return Object.entries(spec.labels ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n');
  }
  throw new Error(`downward API field ${fieldPath} is not simulated`);
}

export async function runTaskStep(spec: PodSpec): Promise<PodRun> {
  const { task } = spec;
  const values = taskParams(task, spec.params);
  const sub = (text: string): string => substituteRest(substituteParams(text, values), task, spec);
  const step = task.spec.steps.find((s) => s.name === spec.step);
  if (!step) throw new Error(`Task ${task.metadata.name} has no step ${spec.step}`);
  const root = await mkdtemp(join(tmpdir(), 'vouch-pod-'));

  // Mounts: container path → host path. The kubelet also makes a mount's parent directory.
  const mounts: { container: string; host: string }[] = [];
  const mount = (container: string, host: string): void => {
    mounts.push({ container, host });
  };
  const inRoot = (p: string): string => join(root, p);
  for (const [name, dir] of Object.entries(spec.workspaces ?? {})) mount(`/workspace/${name}`, dir);
  for (const p of ['/tekton/results', '/tekton/home']) {
    await mkdir(inRoot(p), { recursive: true });
    mount(p, inRoot(p));
  }
  const image = await imageConfig();
  await mkdir(inRoot(image.workdir), { recursive: true });
  mount(image.workdir, inRoot(image.workdir));
  const volumes = new Map((task.spec.volumes ?? []).map((v) => [v.name, v]));
  const volumeMounts = [...(task.spec.stepTemplate?.volumeMounts ?? []), ...(step.volumeMounts ?? [])];
  for (const vm of volumeMounts) {
    const volume = volumes.get(vm.name);
    if (!volume) throw new Error(`volumeMount ${vm.name}: no such volume`);
    const target = inRoot(vm.mountPath);
    const files: Record<string, string> = {};
    if (volume.configMap) {
      const cmName = sub(volume.configMap.name);
      const data = spec.configMaps?.[cmName];
      if (!data && !volume.configMap.optional) throw new Error(`ConfigMap ${cmName} is missing: the pod would not start`);
      for (const item of volume.configMap.items ?? Object.keys(data ?? {}).map((key) => ({ key, path: key }))) {
        const value = data?.[sub(item.key)];
        if (value !== undefined) files[sub(item.path)] = value;
      }
    } else if (volume.downwardAPI) {
      for (const item of volume.downwardAPI.items) files[item.path] = downwardValue(item.fieldRef.fieldPath, spec);
    } else if (!volume.emptyDir) {
      throw new Error(`volume ${vm.name}: kind not simulated`);
    }
    if (vm.subPath) {
      const content = files[vm.subPath];
      // A subPath that the volume lacks (an optional ConfigMap absent) becomes an empty directory.
      if (content === undefined) await mkdir(target, { recursive: true });
      else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    } else {
      await mkdir(target, { recursive: true });
      for (const [p, content] of Object.entries(files)) await writeFile(join(target, p), content);
    }
    mount(vm.mountPath, target);
    mount(dirname(vm.mountPath), inRoot(dirname(vm.mountPath)));
  }
  if (spec.serviceAccount) {
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    await mkdir(inRoot(sa), { recursive: true });
    for (const [name, content] of Object.entries(spec.serviceAccount)) await writeFile(join(inRoot(sa), name), content);
    mount(sa, inRoot(sa));
  }
  mounts.sort((a, b) => b.container.length - a.container.length);
  const hostPath = (p: string): string => {
    for (const m of mounts) if (p === m.container || p.startsWith(`${m.container}/`)) return m.host + p.slice(m.container.length);
    return p;
  };
  const mapValue = (v: string): string => {
    const parts = v.split(':');
    if (parts.length > 1 && parts.every((x) => x === '' || x.startsWith('/'))) return parts.map((x) => (x === '' ? x : hostPath(x))).join(':');
    return v.startsWith('/') ? hostPath(v) : v;
  };
  for (const [p, content] of Object.entries(spec.files ?? {})) {
    await mkdir(dirname(hostPath(p)), { recursive: true });
    await writeFile(hostPath(p), content);
  }

  // The container's environment: the image's, then the step template's, then the step's.
  const env: NodeJS.ProcessEnv = { ...spec.imageEnv };
  for (const [k, v] of Object.entries(image.env)) env[k] = mapValue(v);
  const stepEnv = new Map<string, EnvVar>();
  for (const e of [...(task.spec.stepTemplate?.env ?? []), ...(step.env ?? [])]) stepEnv.set(e.name, e);
  for (const e of stepEnv.values()) {
    if (e.valueFrom?.fieldRef) env[e.name] = downwardValue(e.valueFrom.fieldRef.fieldPath, spec);
    else env[e.name] = mapValue(sub(e.value ?? ''));
  }
  if (step.script || step.command || step.args) throw new Error(`step ${step.name}: only the image's entrypoint is simulated`);
  const [cmd, ...rest] = image.entrypoint;
  if (cmd !== 'node' || rest[0] !== '/opt/vouch/dist/index.js') throw new Error(`unexpected entrypoint ${JSON.stringify(image.entrypoint)}`);
  // The source entry stands for dist/index.js (test/unit/dist.test.ts checks the bundle).
  const entry = join(repo, 'src', 'faces', 'main.ts');
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [entry, ...rest.slice(1)],
      { env: withCompileCache(env), cwd: hostPath(image.workdir), maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
  const results: Record<string, string> = {};
  for (const name of await readdir(hostPath('/tekton/results'))) results[name] = await readFile(join(hostPath('/tekton/results'), name), 'utf8');
  return { ...run, results, hostPath, env };
}

/** A PipelineRun's TaskRun for one pipeline task: its params and workspaces, as Tekton resolves them. */
export function taskRunOf(
  pipeline: PipelineDoc,
  taskName: string,
  run: { params: Record<string, string>; workspaces: Record<string, string>; pipelineRunName: string; taskResults?: Record<string, string> },
): { params: Record<string, string>; workspaces: Record<string, string> } {
  const values = taskParams({ metadata: pipeline.metadata, spec: { params: pipeline.spec.params ?? [], steps: [] } }, run.params);
  const pt = pipeline.spec.tasks.find((t) => t.name === taskName);
  if (!pt) throw new Error(`Pipeline ${pipeline.metadata.name} has no task ${taskName}`);
  const sub = (text: string): string =>
    substituteParams(text, values)
      .replace(/\$\(context\.pipelineRun\.name\)/g, run.pipelineRunName)
      .replace(/\$\(tasks\.([\w-]+)\.results\.([\w.[\]-]+)\)/g, (whole, t: string, r: string) => run.taskResults?.[`${t}.${r}`] ?? whole);
  const params = Object.fromEntries((pt.params ?? []).map((p) => [p.name, sub(p.value)]));
  const workspaces: Record<string, string> = {};
  for (const w of pt.workspaces ?? []) {
    const dir = run.workspaces[w.workspace];
    if (!dir) throw new Error(`workspace ${w.workspace} is not bound by the PipelineRun`);
    workspaces[w.name] = w.subPath ? join(dir, w.subPath) : dir;
  }
  return { params, workspaces };
}
