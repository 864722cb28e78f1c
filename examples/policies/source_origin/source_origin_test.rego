package source_origin_test

import data.source_origin
import rego.v1

v1(deps) := {"statement": {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"buildDefinition": {"resolvedDependencies": deps}}}}

test_allowed_host_and_pinned_pass if {
	count(source_origin.deny) == 0 with input.attestations as [v1([{"uri": "git+https://github.com/acme/widget.git", "digest": {"sha1": "abc"}}])]
}

test_other_host_fails if {
	some r in source_origin.deny with input.attestations as [v1([{"uri": "git+https://evil.example/acme/widget.git", "digest": {"sha1": "abc"}}])]
	r.code == "source_origin.allowed_git_host"
	r.term == "https://evil.example/acme/widget.git"
}

test_unpinned_dependency_fails if {
	some r in source_origin.deny with input.attestations as [v1([{"uri": "oci://registry.example/builder", "digest": {}}])]
	r.code == "source_origin.dependencies_pinned"
}
