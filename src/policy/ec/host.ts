// The main thread's side of the `ec.*` builtins that need I/O: one host per run, holding ec's
// process-wide caches (descriptors, manifests, indexes, verify_image), and per component the
// caches ec scopes to a component (blobs, parsed blobs, files, verify_attestation). Evaluation
// workers reach it through the synchronous bridge (bridge.ts). `ec.purl.*` is answered in the
// workers themselves (pure). ec's failure rule holds here: any failure is undefined.
import type { EcComponentHost, EcHost } from '../types.ts';
import { ComponentOci, OciAnswers } from './oci.ts';
import { remember } from './remember.ts';
import { verifyAttestation, verifyImage, type SigstoreDeps } from './sigstore.ts';

/** What the host needs from the run: its image sources (one registry client) and trust material. */
export type EcHostDeps = SigstoreDeps;

type Answer = (args: unknown[]) => Promise<unknown>;

export function createEcHost(deps: EcHostDeps): EcHost {
  const oci = new OciAnswers(deps.sourceFor);
  const verifiedImages = new Map<string, Promise<unknown>>();
  return {
    forComponent(): EcComponentHost {
      const component = new ComponentOci(oci);
      const verifiedAttestations = new Map<string, Promise<unknown>>();
      const answers: Record<string, Answer> = {
        'ec.oci.descriptor': ([ref]) => oci.descriptor(ref),
        'ec.oci.image_manifest': ([ref]) => oci.imageManifest(ref),
        'ec.oci.image_manifests': ([refs]) => oci.imageManifests(refs),
        'ec.oci.image_index': ([ref]) => oci.imageIndex(ref),
        'ec.oci.image_tag_refs': ([ref]) => oci.imageTagRefs(ref),
        'ec.oci.image_referrers': ([ref]) => oci.imageReferrers(ref),
        'ec.oci.blob': ([ref]) => component.blob(ref),
        'ec.oci.parsed_blob': ([ref]) => component.parsedBlob(ref),
        'ec.oci.blob_files': ([ref, paths]) => component.blobFiles(ref, paths),
        'ec.oci.image_files': ([ref, paths]) => component.imageFiles(ref, paths),
        // Never rejected (a failure is `success: false`), so kept as ec keeps them, failures too.
        'ec.sigstore.verify_image': ([ref, opts]) => remember(verifiedImages, JSON.stringify([ref, opts]), () => verifyImage(ref, opts, deps)),
        'ec.sigstore.verify_attestation': ([ref, opts]) =>
          remember(verifiedAttestations, JSON.stringify([ref, opts]), () => verifyAttestation(ref, opts, deps)),
      };
      return {
        async call(name, args) {
          const answer = Object.hasOwn(answers, name) ? answers[name] : undefined;
          try {
            return await answer?.(args);
          } catch {
            return undefined;
          }
        },
      };
    },
  };
}
