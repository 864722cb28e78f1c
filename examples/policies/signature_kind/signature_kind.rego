# METADATA
# title: Signature kind
# description: >-
#   How the image was signed: keyless signatures tie each signature to an identity.
package signature_kind

import data.lib
import rego.v1

# METADATA
# title: Keyless signature
# description: >-
#   At least one image signature carries a certificate (keyless or organisation PKI) rather than
#   a bare long-lived key.
# custom:
#   short_name: certificate_present
#   failure_msg: The image is signed only with long-lived keys; a certificate-backed signature is recommended
#   solution: Sign keyless (cosign sign with Fulcio) or with a certificate from the organisation's CA.
#   collections:
#   - slsa3
warn contains result if {
	count(input.image.signatures) > 0
	count([s | some s in input.image.signatures; s.certificate != ""]) == 0
	result := lib.result_helper(rego.metadata.chain(), [])
}
