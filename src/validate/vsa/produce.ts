// `--vsa`: after the reports are written, one Verification Summary Attestation per component —
// built from the report (src/report/vsa/predicate.ts), signed (src/sigstore/sign-dsse.ts) unless
// an unsigned predicate was asked for, and stored where --attestation-output-dir and --vsa-upload
// say. A VSA that cannot be made or stored is an error of the run (exit 3), named by component and
// store; it never changes a verdict the report already gave.
import type { VsaConfig } from '../../config/vsa.ts';
import { EnvironmentError, VouchError, errorMessage } from '../../errors.ts';
import type { ComponentReport } from '../../model/report.ts';
import type { InTotoStatement } from '../../model/statement.ts';
import type { VsaStatement } from '../../model/vsa.ts';
import { RegistryClient } from '../../oci/client.ts';
import { parseReference } from '../../oci/reference.ts';
import { conformaVsaStatement, slsaVsaStatement, vsaSubject, type VsaContext } from '../../report/vsa/predicate.ts';
import { attachBundleReferrer, attachLegacyAttestation } from '../../sigstore/sign-attach.ts';
import { signStatement, type SignedStatement, type VsaSigner } from '../../sigstore/sign-dsse.ts';
import { identityToken } from '../../sigstore/sign-identity.ts';
import { loadSigningKey, type SigningKey } from '../../sigstore/sign-key.ts';
import '../../sigstore/sign-errors.ts';
import { writeFileInside } from '../../util/files.ts';
import { VERSION } from '../../version.ts';

/** What a face reports of each VSA (VSA_GENERATED). */
export interface ProducedVsa {
  component: string;
  /** `<repository>@sha256:<hex>`. */
  image: string;
  verificationResult: 'PASSED' | 'FAILED';
  /** Files written (absolute paths). */
  files: string[];
  /** Where it was attached: `<repo>@<digest>` of the `.att` layer or the referrer manifest. */
  attached: string[];
  /** Rekor log index, when an entry was made. */
  rekorLogIndex?: number;
}

/** The signing material, loaded before validation so a bad key fails in seconds, not after the run. */
export interface PreparedVsa {
  config: VsaConfig;
  key?: SigningKey;
}

export async function prepareVsa(config: VsaConfig, env: NodeJS.ProcessEnv): Promise<PreparedVsa> {
  const s = config.signing;
  if (s?.kind === 'key') return { config, key: await loadSigningKey(s.keyFile, s.password, '--vsa-signing-key') };
  // Keyless: a token source must exist now; the token itself is fetched when signing (they are short-lived).
  if (
    s?.kind === 'keyless' &&
    s.tokenFile === undefined &&
    !env.SIGSTORE_ID_TOKEN &&
    !(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
  ) {
    await identityToken(undefined, env);
  }
  return { config };
}

export interface VsaRun {
  components: ComponentReport[];
  /** The statements of the attestations each component's policy saw, in component order. */
  attestations: InTotoStatement[][];
  policy: VsaContext['policy'];
  time: Date;
  env: NodeJS.ProcessEnv;
  log: (m: string) => void;
}

function statementOf(kind: VsaConfig['predicate'], c: ComponentReport, attestations: InTotoStatement[], ctx: VsaContext): VsaStatement<unknown> | undefined {
  return kind === 'slsa' ? slsaVsaStatement({ report: c, attestations }, ctx) : conformaVsaStatement({ report: c, attestations }, ctx);
}

async function signer(prepared: PreparedVsa, env: NodeJS.ProcessEnv): Promise<VsaSigner> {
  const s = prepared.config.signing;
  const rekor = prepared.config.uploads.find((u) => u.backend === 'rekor');
  if (s?.kind === 'key' && prepared.key) return { kind: 'key', key: prepared.key, ...(rekor?.backend === 'rekor' ? { rekorUrl: rekor.url } : {}) };
  if (s?.kind === 'keyless') return { kind: 'keyless', token: await identityToken(s.tokenFile, env), fulcioUrl: s.fulcioUrl, rekorUrl: s.rekorUrl };
  throw new VouchError('INTERNAL', 'a signed VSA without a signer');
}

/** Directories the VSAs are written to: --attestation-output-dir and every local@DIR. */
const directories = (c: VsaConfig): string[] => [...(c.outputDir ? [c.outputDir] : []), ...c.uploads.flatMap((u) => (u.backend === 'local' ? [u.dir] : []))];

async function writeFiles(dirs: string[], base: string, files: [suffix: string, text: string][]): Promise<string[]> {
  const written: string[] = [];
  for (const dir of dirs) {
    for (const [suffix, text] of files) {
      try {
        written.push(await writeFileInside(dir, `${base}${suffix}`, text));
      } catch (err) {
        throw new EnvironmentError('VSA_WRITE_FAILED', `writing the VSA ${base}${suffix} into ${dir} failed: ${errorMessage(err)}`, { value: dir });
      }
    }
  }
  return written;
}

async function attach(client: RegistryClient, image: string, signed: SignedStatement, predicateType: string, created: string): Promise<string[]> {
  const ref = parseReference(image);
  const target = { client, ref, digest: ref.digest! };
  try {
    const layer = await attachLegacyAttestation(target, signed, predicateType);
    const referrer = await attachBundleReferrer(target, signed, predicateType, created);
    return [`${image} .att layer ${layer}`, `${image} referrer ${referrer}`];
  } catch (err) {
    throw new EnvironmentError('VSA_ATTACH_FAILED', `attaching the VSA to ${image} failed: ${errorMessage(err)}`, { value: image, cause: err });
  }
}

/**
 * One component per image: a snapshot may name the same digest twice, and a component-scoped
 * exclusion can pass it under one name and fail it under another. The VSA speaks for the image, so
 * it is made from a failed one when there is one.
 */
function representatives(components: ComponentReport[]): [number, ComponentReport][] {
  const chosen = new Map<string, [number, ComponentReport]>();
  components.forEach((c, i) => {
    const key = vsaSubject(c)?.resourceUri ?? `unpinned ${i}`;
    const current = chosen.get(key);
    if (!current || (current[1].success && !c.success)) chosen.set(key, [i, c]);
  });
  return [...chosen.values()].sort(([a], [b]) => a - b);
}

/** Makes, signs and stores every component's VSA, one component at a time; the first failure stops the rest. */
export async function produceVsas(prepared: PreparedVsa, run: VsaRun): Promise<ProducedVsa[]> {
  const { config } = prepared;
  const ctx: VsaContext = { policy: run.policy, version: VERSION, time: run.time };
  const sign = config.format === 'dsse' ? await signer(prepared, run.env) : undefined;
  const client = config.uploads.some((u) => u.backend === 'oci') ? new RegistryClient({ env: run.env }) : undefined;
  const produced: ProducedVsa[] = [];
  for (const [i, component] of representatives(run.components)) {
    const subject = vsaSubject(component);
    const statement = statementOf(config.predicate, component, run.attestations[i] ?? [], ctx);
    if (!subject || !statement) {
      run.log(`no VSA for ${component.name}: its image ${component.containerImage} was never resolved to a sha256 digest`);
      continue;
    }
    const base = `sha256-${subject.digest.sha256}`;
    const result = component.success ? 'PASSED' : 'FAILED';
    if (!sign) {
      const files = await writeFiles(directories(config), base, [['.predicate.json', `${JSON.stringify(statement.predicate, null, 2)}\n`]]);
      produced.push({ component: component.name, image: subject.resourceUri, verificationResult: result, files, attached: [] });
      continue;
    }
    const signed = await signStatement(Buffer.from(JSON.stringify(statement)), sign);
    const files = await writeFiles(directories(config), base, [
      ['.intoto.jsonl', `${JSON.stringify(signed.envelope)}\n`],
      ['.sigstore.json', `${JSON.stringify(signed.bundle)}\n`],
    ]);
    const attached = client ? await attach(client, subject.resourceUri, signed, statement.predicateType, ctx.time.toISOString().slice(0, 19) + 'Z') : [];
    produced.push({
      component: component.name,
      image: subject.resourceUri,
      verificationResult: result,
      files,
      attached,
      ...(signed.rekor ? { rekorLogIndex: signed.rekor.Payload.logIndex } : {}),
    });
  }
  return produced;
}
