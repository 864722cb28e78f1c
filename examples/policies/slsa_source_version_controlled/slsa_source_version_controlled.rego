# METADATA
# title: SLSA - Source - Version Controlled
# description: >-
#   The build's source materials come from a git repository, pinned to a commit.
package slsa_source_version_controlled

import data.lib
import rego.v1

# Materials of v0.2 provenance and resolved dependencies of v1 provenance.
materials contains m if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v0.2"
	some m in att.statement.predicate.materials
}

materials contains m if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v1"
	some m in att.statement.predicate.buildDefinition.resolvedDependencies
}

# METADATA
# title: Material format
# description: >-
#   At least one entry in the predicate.materials array of the attestation contains the expected attributes: uri and digest.sha1.
# custom:
#   short_name: missing_materials
#   failure_msg: No materials with a uri and a digest.sha1 found in the provenance
#   solution: Make sure the build records its git source as a material.
#   collections:
#   - minimal
#   - slsa2
#   - slsa3
deny contains result if {
	count(lib.slsa_provenance_attestations) > 0
	count([m | some m in materials; m.uri; m.digest.sha1]) == 0
	result := lib.result_helper(rego.metadata.chain(), [])
}

# METADATA
# title: Material from a git repository
# description: >-
#   Each entry in the predicate.materials array of the attestation uses a git URI.
# custom:
#   short_name: material_non_git_uri
#   failure_msg: Material URI %q is not a git URI
#   solution: Build from a git repository.
#   collections:
#   - minimal
#   - slsa2
#   - slsa3
deny contains result if {
	some m in materials
	not startswith(m.uri, "git+")
	result := lib.result_helper_with_term(rego.metadata.chain(), [m.uri], m.uri)
}

# METADATA
# title: Material with git commit digest
# description: >-
#   Each entry in the predicate.materials array of the attestation includes a SHA1 digest which corresponds to a git commit.
# custom:
#   short_name: material_without_git_commit
#   failure_msg: Material %q has no git commit digest (sha1 of 40 hex characters)
#   solution: Record the commit the build was made from.
#   collections:
#   - minimal
#   - slsa2
#   - slsa3
deny contains result if {
	some m in materials
	not regex.match(`^[0-9a-f]{40}$`, object.get(m, ["digest", "sha1"], ""))
	result := lib.result_helper_with_term(rego.metadata.chain(), [m.uri], m.uri)
}
