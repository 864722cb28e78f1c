# METADATA
# title: Provenance subject
# description: >-
#   The provenance is about this image: its subject names the image's digest.
package provenance_subject

import data.lib
import rego.v1

# The image's digest, from the pinned reference in the input.
image_digest := split(input.image.ref, "@")[1]

# METADATA
# title: Subject matches the image
# description: >-
#   Each SLSA provenance lists the validated image's digest among its subjects.
# custom:
#   short_name: subject_matches_image
#   failure_msg: No provenance subject has the image digest %s
#   solution: Attest the image by digest, so the provenance subject records it.
#   collections:
#   - slsa3
#   - release
#   depends_on:
#   - slsa_provenance_available.attestation_present
deny contains result if {
	some att in lib.slsa_provenance_attestations
	digests := {sprintf("sha256:%s", [s.digest.sha256]) | some s in att.statement.subject}
	not image_digest in digests
	result := lib.result_helper_with_term(rego.metadata.chain(), [image_digest], image_digest)
}

# METADATA
# title: Subject digests are SHA-256
# description: >-
#   Every subject of every attestation carries a sha256 digest of 64 hexadecimal characters.
# custom:
#   short_name: subject_digest_format
#   failure_msg: Subject %q has no valid sha256 digest
#   solution: Use a tool that records sha256 subject digests.
#   collections:
#   - slsa3
deny contains result if {
	some att in input.attestations
	some s in att.statement.subject
	not regex.match(`^[0-9a-f]{64}$`, object.get(s, ["digest", "sha256"], ""))
	result := lib.result_helper_with_term(rego.metadata.chain(), [s.name], s.name)
}
