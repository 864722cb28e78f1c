# METADATA
# title: Trusted builder
# description: >-
#   The provenance names a builder listed in the allowed_builder_ids rule data.
package builder

import data.lib
import rego.v1

# METADATA
# title: Builder is allowed
# description: >-
#   The SLSA provenance builder ID is one of the builders in the allowed_builder_ids rule data.
# custom:
#   short_name: allowed
#   failure_msg: Builder ID %q is not in the allowed list %v
#   solution: >-
#     Build the image on a trusted builder, or add its ID to the allowed_builder_ids rule data.
#   collections:
#   - minimal
#   - slsa3
#   depends_on:
#   - slsa_provenance_available.attestation_present
deny contains result if {
	some att in lib.slsa_provenance_attestations
	id := builder_id(att.statement)
	allowed := lib.rule_data("allowed_builder_ids")
	not id in allowed
	result := lib.result_helper_with_term(rego.metadata.chain(), [id, allowed], id)
}

builder_id(statement) := statement.predicate.builder.id if {
	statement.predicateType == "https://slsa.dev/provenance/v0.2"
}

builder_id(statement) := statement.predicate.runDetails.builder.id if {
	statement.predicateType == "https://slsa.dev/provenance/v1"
}
