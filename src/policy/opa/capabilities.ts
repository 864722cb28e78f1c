// The `ec.*` builtins, declared as ec registers them with OPA (conforma/cli a18338416237:
// internal/rego/oci/oci.go, internal/rego/sigstore/sigstore.go + signature.go,
// internal/rego/purl/purl.go), in OPA's capabilities JSON form. `opa build --capabilities` then
// type-checks a policy's calls exactly as ec's compiler does, quirks included: Go's
// `types.NewArray([]types.Type{types.S}, nil)` is an array of exactly ONE string (`static`), and
// `ec.purl.is_valid` is declared to return a string although it answers a boolean. Descriptions
// are left out: they never reach a compile error. Pure data.

/** A Rego type in capabilities JSON (OPA v1 `types` marshalling). */
type RegoType =
  | { type: 'any' | 'string' | 'number' | 'boolean' | 'null'; name?: string }
  | { type: 'array'; static?: RegoType[]; dynamic?: RegoType; name?: string }
  | { type: 'object'; static?: { key: string; value: RegoType }[]; dynamic?: { key: RegoType; value: RegoType }; name?: string }
  | { type: 'set'; of: RegoType; name?: string };

export interface BuiltinDeclaration {
  name: string;
  decl: { type: 'function'; args: RegoType[]; result: RegoType };
  /** Depends on the world (a registry): OPA never folds such calls at compile time. */
  nondeterministic?: boolean;
}

const S: RegoType = { type: 'string' };
const N: RegoType = { type: 'number' };
const B: RegoType = { type: 'boolean' };
const A: RegoType = { type: 'any' };

const named = (name: string, t: RegoType): RegoType => ({ ...t, name });
/** Go's `types.NewArray([]types.Type{t}, nil)`: ONE element of type t. */
const oneOf = (t: RegoType): RegoType => ({ type: 'array', static: [t] });
const arrayOf = (t: RegoType): RegoType => ({ type: 'array', dynamic: t });
/** Go's `types.NewObject(static, nil)`; OPA sorts the static keys. */
const object = (props: Record<string, RegoType>): RegoType => ({
  type: 'object',
  static: Object.keys(props)
    .sort()
    .map((key) => ({ key, value: props[key]! })),
});
const mapOf = (key: RegoType, value: RegoType): RegoType => ({ type: 'object', dynamic: { key, value } });

const annotations = mapOf(S, S);
const platform = object({ architecture: S, os: S, 'os.version': S, 'os.features': oneOf(S), variant: S, features: oneOf(S) });
const descriptorProps = { mediaType: S, size: N, digest: S, data: S, urls: oneOf(S), annotations, platform };
/** Manifests' descriptors carry `artifactType`; ec's image index declaration leaves it out. */
const descriptor = object({ ...descriptorProps, artifactType: S });
const manifest = object({ schemaVersion: N, mediaType: S, config: descriptor, layers: oneOf(descriptor), annotations, subject: descriptor });
const imageIndex = object({ schemaVersion: N, mediaType: S, manifests: oneOf(object(descriptorProps)), annotations });
const referrer = object({ mediaType: S, size: N, digest: S, artifactType: S, ref: S, annotations });
const files = (what: string): RegoType => ({ type: 'object', dynamic: { key: named('path', S), value: named('content', A) }, name: what });

const signature = object({ keyid: S, signature: S, certificate: S, chain: oneOf(S), metadata: mapOf(S, S) });
/** `ignore_rekor` is the one static (so required) option; every other option is a string. */
const sigstoreOpts: RegoType = { type: 'object', static: [{ key: 'ignore_rekor', value: B }], dynamic: { key: S, value: S }, name: 'opts' };
const ref = (): RegoType => named('ref', S);

function builtin(name: string, args: RegoType[], result: RegoType, nondeterministic = true): BuiltinDeclaration {
  return { name, decl: { type: 'function', args, result }, ...(nondeterministic ? { nondeterministic } : {}) };
}

export const EC_BUILTINS: readonly BuiltinDeclaration[] = [
  builtin('ec.oci.blob', [ref()], named('blob', S)),
  builtin('ec.oci.parsed_blob', [ref()], named('value', A)),
  builtin('ec.oci.blob_files', [ref(), named('paths', oneOf(S))], files('files')),
  builtin('ec.oci.descriptor', [ref()], named('object', descriptor)),
  builtin('ec.oci.image_files', [ref(), named('paths', oneOf(S))], files('files')),
  builtin('ec.oci.image_manifest', [ref()], named('object', manifest)),
  builtin('ec.oci.image_manifests', [named('refs', { type: 'set', of: S })], {
    type: 'object',
    dynamic: { key: named('ref', S), value: named('manifest', manifest) },
    name: 'manifests',
  }),
  builtin('ec.oci.image_index', [ref()], named('object', imageIndex)),
  builtin('ec.oci.image_tag_refs', [ref()], named('refs', oneOf(S))),
  builtin('ec.oci.image_referrers', [ref()], named('referrers', oneOf(referrer))),
  builtin(
    'ec.sigstore.verify_image',
    [ref(), sigstoreOpts],
    named('result', object({ success: named('success', B), errors: named('errors', oneOf(S)), signatures: named('signatures', oneOf(signature)) })),
  ),
  builtin(
    'ec.sigstore.verify_attestation',
    [ref(), sigstoreOpts],
    named(
      'result',
      object({
        success: named('success', B),
        errors: named('errors', oneOf(S)),
        attestations: named(
          'attestations',
          oneOf(named('attestation', object({ statement: named('statement', A), signatures: named('signatures', oneOf(signature)) }))),
        ),
      }),
    ),
  ),
  builtin('ec.purl.is_valid', [named('purl', S)], named('result', S), false),
  builtin(
    'ec.purl.parse',
    [named('purl', S)],
    named('object', object({ type: S, namespace: S, name: S, version: S, qualifiers: arrayOf(object({ key: S, value: S })), subpath: S })),
    false,
  ),
];

/** Names of the builtins ec adds to OPA's. */
export const EC_BUILTIN_NAMES: ReadonlySet<string> = new Set(EC_BUILTINS.map((b) => b.name));

/** Builtins ec removes from OPA's (no network access from policies). */
export const REMOVED_BUILTINS: ReadonlySet<string> = new Set(['http.send', 'opa.runtime', 'net.lookup_ip_addr']);

export interface Capabilities {
  builtins: { name: string }[];
  allow_net?: string[];
  [key: string]: unknown;
}

/**
 * ec's capabilities from opa's own (`opa capabilities --current`): network builtins removed, no
 * network hosts, the `ec.*` builtins added (replacing any of the same name). Everything else
 * (features such as rego_v1, the wasm ABI versions) is kept: a capabilities file replaces opa's.
 */
export function ecCapabilities(current: Capabilities): Capabilities {
  const kept = current.builtins.filter((b) => !REMOVED_BUILTINS.has(b.name) && !EC_BUILTIN_NAMES.has(b.name));
  return { ...current, builtins: [...kept, ...EC_BUILTINS.map((b) => structuredClone(b))], allow_net: [] };
}
