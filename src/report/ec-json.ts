// The report as ec serialises it: Go struct field order, omitempty, metadata keys sorted, and no
// vouch-only fields but `vsa` (a component reported from a VSA). Every ec-compatible format starts from this. Pure.
import type { PolicySpec, PolicySource, VolatileCriterion } from '../model/policy-spec.ts';
import type { AttestationSummary, ComponentReport, Report } from '../model/report.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { RuleResult } from '../model/results.ts';

type Json = Record<string, unknown>;

function compact(entries: [string, unknown][]): Json {
  const out: Json = {};
  for (const [k, v] of entries) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

const sortKeys = (o: Record<string, unknown>): Json => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function ecResult(r: RuleResult): Json {
  return compact([
    ['msg', r.msg],
    ['metadata', r.metadata && Object.keys(r.metadata).length > 0 ? sortKeys(r.metadata) : undefined],
    ['outputs', r.outputs],
  ]);
}

function ecSignature(s: EntitySignature): Json {
  return {
    keyid: s.keyid,
    sig: s.sig,
    ...compact([
      ['certificate', s.certificate],
      ['chain', s.chain],
      ['metadata', s.metadata && Object.keys(s.metadata).length > 0 ? sortKeys(s.metadata) : undefined],
    ]),
  };
}

function ecAttestation(a: AttestationSummary): Json {
  return compact([
    ['type', a.type],
    ['predicateType', a.predicateType],
    ['predicateBuildType', a.predicateBuildType],
    ['signatures', a.signatures.map(ecSignature)],
  ]);
}

function ecComponent(c: ComponentReport): Json {
  return {
    name: c.name,
    containerImage: c.containerImage,
    source: c.source,
    ...compact([
      ['violations', c.violations?.map(ecResult)],
      ['warnings', c.warnings?.map(ecResult)],
      ['successes', c.successes?.map(ecResult)],
    ]),
    success: c.success,
    ...compact([
      ['signatures', c.signatures?.map(ecSignature)],
      ['attestations', c.attestations?.map(ecAttestation)],
    ]),
    // vouch's one addition to ec's component: which VSA it was reported from (absent otherwise).
    ...(c.vsa ? { vsa: { ...c.vsa } } : {}),
  };
}

function ecCriterion(v: VolatileCriterion): Json {
  return compact([
    ['value', v.value],
    ['effectiveOn', v.effectiveOn],
    ['effectiveUntil', v.effectiveUntil],
    ['imageRef', v.imageRef],
    ['imageDigest', v.imageDigest],
    ['imageUrl', v.imageUrl],
    ['componentNames', v.componentNames],
    ['reference', v.reference],
  ]);
}

function ecSource(s: PolicySource): Json {
  const config = s.config
    ? compact([
        ['exclude', s.config.exclude],
        ['include', s.config.include],
      ])
    : undefined;
  const volatile = s.volatileConfig
    ? compact([
        ['exclude', s.volatileConfig.exclude?.map(ecCriterion)],
        ['include', s.volatileConfig.include?.map(ecCriterion)],
      ])
    : undefined;
  return compact([
    ['name', s.name],
    ['policy', s.policy],
    ['data', s.data],
    ['ruleData', s.ruleData],
    ['config', config && Object.keys(config).length > 0 ? config : undefined],
    ['volatileConfig', volatile && Object.keys(volatile).length > 0 ? volatile : undefined],
  ]);
}

function ecPolicy(p: PolicySpec): Json {
  const configuration = p.configuration
    ? compact([
        ['exclude', p.configuration.exclude],
        ['include', p.configuration.include],
        ['collections', p.configuration.collections],
      ])
    : undefined;
  const identity = p.identity
    ? compact([
        ['subject', p.identity.subject],
        ['subjectRegExp', p.identity.subjectRegExp],
        ['issuer', p.identity.issuer],
        ['issuerRegExp', p.identity.issuerRegExp],
      ])
    : undefined;
  return compact([
    ['name', p.name],
    ['description', p.description],
    ['sources', p.sources?.map(ecSource)],
    ['configuration', configuration && Object.keys(configuration).length > 0 ? configuration : undefined],
    ['rekorUrl', p.rekorUrl],
    ['publicKey', p.publicKey],
    ['identity', identity && Object.keys(identity).length > 0 ? identity : undefined],
  ]);
}

export function ecReport(r: Report): Json {
  return {
    success: r.success,
    ...compact([['snapshot', r.snapshot]]),
    components: r.components.map(ecComponent),
    key: r.key,
    policy: ecPolicy(r.policy),
    'ec-version': r['ec-version'],
    'effective-time': r['effective-time'],
  };
}
