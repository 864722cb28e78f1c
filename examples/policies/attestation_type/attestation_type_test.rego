package attestation_type_test

import data.attestation_type
import rego.v1

att(type, predicate_type) := {"statement": {"_type": type, "predicateType": predicate_type, "predicate": {}}}

test_known_types_pass if {
	count(attestation_type.deny) == 0 with input.attestations as [
		att("https://in-toto.io/Statement/v0.1", "https://slsa.dev/provenance/v1"),
		att("https://in-toto.io/Statement/v1", "https://example.com/scan/v1"),
	]
}

test_unknown_type_fails if {
	some r in attestation_type.deny with input.attestations as [att("https://example.com/Statement", "x")]
	r.code == "attestation_type.known_attestation_type"
	r.term == "https://example.com/Statement"
}

test_v02_provenance_warns if {
	some r in attestation_type.warn with input.attestations as [att("https://in-toto.io/Statement/v0.1", "https://slsa.dev/provenance/v0.2")]
	r.code == "attestation_type.deprecated_provenance"
}

test_v1_provenance_does_not_warn if {
	count(attestation_type.warn) == 0 with input.attestations as [att("https://in-toto.io/Statement/v1", "https://slsa.dev/provenance/v1")]
}
