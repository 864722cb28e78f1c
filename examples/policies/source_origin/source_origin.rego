# METADATA
# title: Source origin
# description: >-
#   The build's sources come from git hosts the organisation trusts, pinned by digest.
package source_origin

import data.lib
import rego.v1

# METADATA
# title: Source from an allowed git host
# description: >-
#   Every git source of the provenance is on a host listed in the allowed_git_hosts rule data.
# custom:
#   short_name: allowed_git_host
#   failure_msg: Source %q is not on an allowed git host %v
#   solution: Build from a repository on an allowed host, or add the host to allowed_git_hosts.
#   collections:
#   - release
#   - slsa3
deny contains result if {
	some uri in git_sources
	allowed := lib.rule_data("allowed_git_hosts")
	not on_allowed_host(uri, allowed)
	result := lib.result_helper_with_term(rego.metadata.chain(), [uri, allowed], uri)
}

# METADATA
# title: Dependencies pinned by digest
# description: >-
#   Every resolved dependency of SLSA v1 provenance records at least one digest.
# custom:
#   short_name: dependencies_pinned
#   failure_msg: Resolved dependency %q has no digest
#   solution: Make the build resolve every input to a digest (commit, image digest, file hash).
#   collections:
#   - slsa3
deny contains result if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v1"
	some dep in att.statement.predicate.buildDefinition.resolvedDependencies
	count(object.get(dep, "digest", {})) == 0
	name := object.get(dep, "uri", object.get(dep, "name", "(unnamed)"))
	result := lib.result_helper_with_term(rego.metadata.chain(), [name], name)
}

git_sources contains uri if {
	some att in lib.slsa_provenance_attestations
	some m in array.concat(
		object.get(att.statement.predicate, "materials", []),
		object.get(att.statement.predicate, ["buildDefinition", "resolvedDependencies"], []),
	)
	startswith(m.uri, "git+")
	uri := substring(m.uri, 4, -1)
}

on_allowed_host(uri, hosts) if {
	some h in hosts
	startswith(uri, h)
}
