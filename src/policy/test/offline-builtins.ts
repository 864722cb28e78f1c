// The ec.* builtins that reach a registry, as `ec opa test` answers them with no registry to reach
// (conforma/cli internal/rego/oci and internal/rego/sigstore at commit 1ee50baf): every ec.oci.*
// lookup fails, which ec turns into undefined; ec.sigstore.verify_* report the failure in their
// result. Tests mock them with `with`; the mock replaces the call at compile time, so these answer
// only the calls a test leaves unmocked. The pure ec.purl.* builtins run for real (host builtins).
import type { Builtin } from '../wasm/builtins.ts';

const OFFLINE = 'vouch policy test does not reach registries';

export function offlineBuiltin(name: string): Builtin | undefined {
  if (name.startsWith('ec.oci.')) return () => undefined;
  if (name === 'ec.sigstore.verify_image') return () => ({ success: false, errors: [`verify image signature: ${OFFLINE}`], signatures: [] });
  if (name === 'ec.sigstore.verify_attestation') return () => ({ success: false, errors: [`verify image attestation signature: ${OFFLINE}`], attestations: [] });
  return undefined;
}
