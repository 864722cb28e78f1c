# METADATA
# title: Keyless signer identity
# description: >-
#   For keyless signatures, the Fulcio certificate names a trusted OIDC issuer. Key-based signatures
#   carry no certificate and are not judged here.
package signer_identity

import data.lib
import rego.v1

# METADATA
# title: Trusted OIDC issuer
# description: >-
#   Every keyless image signature was certified for an issuer in the allowed_oidc_issuers rule data.
# custom:
#   short_name: trusted_issuer
#   failure_msg: Signature certified for issuer %q, which is not in %v
#   solution: Sign from a trusted CI system, or add its issuer to allowed_oidc_issuers.
#   collections:
#   - keyless
deny contains result if {
	some sig in input.image.signatures
	issuer := sig.metadata["Fulcio Issuer (V2)"]
	allowed := lib.rule_data("allowed_oidc_issuers")
	not issuer in allowed
	result := lib.result_helper_with_term(rego.metadata.chain(), [issuer, allowed], issuer)
}
