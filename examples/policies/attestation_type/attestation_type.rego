# METADATA
# title: Attestation type
# description: >-
#   Attestations are in-toto statements of a known version, with current predicate types.
package attestation_type

import data.lib
import rego.v1

# METADATA
# title: Known attestation type
# description: >-
#   Every attestation is an in-toto Statement (v0.1 or v1).
# custom:
#   short_name: known_attestation_type
#   failure_msg: Unknown attestation type %q
#   solution: Attest with a tool that writes in-toto Statements, such as cosign attest or Tekton Chains.
#   collections:
#   - slsa3
#   - release
deny contains result if {
	some att in input.attestations
	not att.statement._type in lib.rule_data("allowed_statement_types")
	result := lib.result_helper_with_term(rego.metadata.chain(), [att.statement._type], att.statement._type)
}

# METADATA
# title: Current provenance format
# description: >-
#   SLSA provenance v0.2 is superseded by v1; builders should move to v1.
# custom:
#   short_name: deprecated_provenance
#   failure_msg: The image has SLSA provenance v0.2; SLSA v1 provenance is expected
#   solution: Upgrade the builder (Tekton Chains v0.20+ writes SLSA v1 with artifacts.oci.format slsa/v1).
#   collections:
#   - slsa3
warn contains result if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v0.2"
	result := lib.result_helper(rego.metadata.chain(), [])
}
