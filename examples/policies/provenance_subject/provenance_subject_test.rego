package provenance_subject_test

import data.provenance_subject
import rego.v1

digest := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

provenance(subjects) := {"statement": {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "subject": subjects, "predicate": {}}}

image := {"ref": sprintf("registry.example/app@sha256:%s", [digest])}

test_matching_subject_passes if {
	count(provenance_subject.deny) == 0 with input.image as image
		with input.attestations as [provenance([{"name": "registry.example/app", "digest": {"sha256": digest}}])]
}

test_other_subject_fails if {
	some r in provenance_subject.deny with input.image as image
		with input.attestations as [provenance([{"name": "registry.example/app", "digest": {"sha256": concat("", ["f", substring(digest, 1, 63)])}}])]
	r.code == "provenance_subject.subject_matches_image"
}

test_bad_digest_format_fails if {
	some r in provenance_subject.deny with input.image as image
		with input.attestations as [provenance([{"name": "x", "digest": {"sha1": "abc"}}])]
	r.code == "provenance_subject.subject_digest_format"
	r.term == "x"
}
