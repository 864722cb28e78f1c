// POLICY_BUNDLE_DIGEST: Konflux policies name the release policy by its floating tag
// `oci::quay.io/conforma/release-policy:konflux`; ec's task pins it to a digest (conforma/cli
// hack/pin-konflux-policy-bundle.sh, commit a18338416237ca7c5154a0af499f81d4b821ea46) so that one
// Task bump moves every policy at once. ec rewrites the text of an inline or file policy (sed) and
// skips git URLs; vouch rewrites the resolved policy, wherever it came from, and only whole source
// URLs. A reference already pinned (`…:konflux@sha256:…`) is kept, as in ec.
import { InputError } from '../../errors.ts';
import type { PolicySpec } from '../../model/policy-spec.ts';
import type { PolicyResolver } from '../../config/types.ts';

export const KONFLUX_BUNDLE = 'oci::quay.io/conforma/release-policy:konflux';
const PINNED_REPOSITORY = 'oci::quay.io/conforma/release-policy';

/** `sha256:<hex>` or the bare hex (ec prepends `sha256:`); empty: no pinning. */
export function bundleDigest(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (v === '') return undefined;
  const digest = v.startsWith('sha256:') ? v : `sha256:${v}`;
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new InputError('INVALID_PARAM', `POLICY_BUNDLE_DIGEST ${JSON.stringify(v)}: expected sha256:<64 lowercase hex digits> (or the hex alone)`, {
      value: 'POLICY_BUNDLE_DIGEST',
    });
  }
  return digest;
}

export interface PinOutcome {
  spec: PolicySpec;
  /** Source URLs replaced. */
  replaced: number;
  /** The policy pins the bundle itself; nothing was changed. */
  alreadyPinned: boolean;
}

export function pinKonfluxBundle(spec: PolicySpec, digest: string): PinOutcome {
  const urls = (spec.sources ?? []).flatMap((s) => [...(s.policy ?? []), ...(s.data ?? [])]);
  if (urls.some((u) => u.startsWith(`${KONFLUX_BUNDLE}@sha256:`))) return { spec, replaced: 0, alreadyPinned: true };
  let replaced = 0;
  const pin = (list: string[] | undefined): string[] | undefined =>
    list?.map((u) => {
      if (u !== KONFLUX_BUNDLE) return u;
      replaced++;
      return `${PINNED_REPOSITORY}@${digest}`;
    });
  const sources = spec.sources?.map((s) => {
    const policy = pin(s.policy);
    const data = pin(s.data);
    return { ...s, ...(policy ? { policy } : {}), ...(data ? { data } : {}) };
  });
  return { spec: sources ? { ...spec, sources } : spec, replaced, alreadyPinned: false };
}

/** A resolver that pins the Konflux bundle in whatever `inner` resolves, and says what it did. */
export function pinningResolver(inner: PolicyResolver, digest: string | undefined, log: (line: string) => void): PolicyResolver {
  if (!digest) return inner;
  return async (value, opts) => {
    const resolved = await inner(value, opts);
    const outcome = pinKonfluxBundle(resolved.spec, digest);
    if (outcome.alreadyPinned) log(`Note: POLICY_BUNDLE_DIGEST: the policy pins ${KONFLUX_BUNDLE} itself; kept as it is`);
    else if (outcome.replaced > 0) log(`Note: POLICY_BUNDLE_DIGEST: ${KONFLUX_BUNDLE} → ${PINNED_REPOSITORY}@${digest}`);
    else log(`Note: POLICY_BUNDLE_DIGEST: the policy does not use ${KONFLUX_BUNDLE}; nothing to pin`);
    return { ...resolved, spec: outcome.spec };
  };
}
