// The ec.* builtins that reach a registry, as `ec opa test` answers them with no registry to reach
// (conforma/cli internal/rego/oci and internal/rego/sigstore at commit 1ee50baf): every ec.oci.*
// lookup fails, which ec turns into undefined; ec.sigstore.verify_* report the failure in their
// result. Tests mock them with `with`; the mock replaces the call at compile time, so these answer
// only the calls a test leaves unmocked. The pure ec.purl.* builtins run for real (host builtins).
import type { HostCall } from '../wasm/evaluate.ts';

const OFFLINE = 'vouch policy test does not reach registries';

function json(value: unknown): ArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** Answers the ec.* builtins the host table leaves to the main thread, with no registry. */
export const offlineHostCall: HostCall = (name) => {
  if (name === 'ec.sigstore.verify_image') return json({ success: false, errors: [`verify image signature: ${OFFLINE}`], signatures: [] });
  if (name === 'ec.sigstore.verify_attestation') return json({ success: false, errors: [`verify image attestation signature: ${OFFLINE}`], attestations: [] });
  return undefined;
};
