# METADATA
# title: SLSA provenance available
# description: >-
#   The image has a signed SLSA provenance attestation.
package slsa_provenance_available

import data.lib
import rego.v1

# METADATA
# title: SLSA provenance attestation present
# description: >-
#   At least one attestation of the image is SLSA provenance (v0.2 or v1).
# custom:
#   short_name: attestation_present
#   failure_msg: No SLSA provenance attestation found; %d attestation(s) of other types
#   solution: >-
#     Produce SLSA provenance for the image, e.g. with Tekton Chains, and attach it with cosign attest.
#   collections:
#   - minimal
#   - slsa3
deny contains result if {
	count(lib.slsa_provenance_attestations) == 0
	result := lib.result_helper(rego.metadata.chain(), [count(input.attestations)])
}
