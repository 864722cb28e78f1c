// What a keyless (Fulcio) signature must carry, as cosign requires it: a trusted signing time (a
// Rekor entry's integrated time or an RFC 3161 timestamp), the Rekor entry when there is one, and
// an SCT from a trusted CT log unless --insecure-ignore-sct. Pure.
import type { TrustMaterial, VerifierOptions } from '@sigstore/verify';
import { SignatureRejected } from './errors.ts';

export function keylessThresholds(root: TrustMaterial, opts: { tlogEntries: number; ignoreSct: boolean }): VerifierOptions {
  if (!opts.ignoreSct && root.ctlogs.length === 0) {
    throw new SignatureRejected(
      'CT_LOG_MISSING',
      "the trust root lists no certificate transparency log, so the certificate's SCT cannot be checked; for a private Fulcio without CT, pass --insecure-ignore-sct",
    );
  }
  return { tlogThreshold: opts.tlogEntries > 0 ? 1 : 0, timestampThreshold: 1, ctlogThreshold: opts.ignoreSct ? 0 : 1 };
}
