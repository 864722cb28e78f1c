package build_timing_test

import data.build_timing
import rego.v1

v1(started, finished) := {"statement": {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"runDetails": {"metadata": {"startedOn": started, "finishedOn": finished}}}}}

v02(started, finished) := {"statement": {"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2", "predicate": {"metadata": {"buildStartedOn": started, "buildFinishedOn": finished}}}}

now := time.parse_rfc3339_ns("2026-11-23T00:00:00Z")

test_ordered_recent_build_passes if {
	count(build_timing.deny) == 0 with input.attestations as [v1("2026-11-01T10:00:00Z", "2026-11-01T10:05:00Z")]
	count(build_timing.warn) == 0 with input.attestations as [v1("2026-11-01T10:00:00Z", "2026-11-01T10:05:00Z")]
		with data.config.policy.when_ns as now
}

test_reversed_window_fails if {
	some r in build_timing.deny with input.attestations as [v02("2026-11-01T10:05:00Z", "2026-11-01T10:00:00Z")]
	r.code == "build_timing.window_ordered"
}

test_old_build_warns if {
	some r in build_timing.warn with input.attestations as [v1("2025-01-01T10:00:00Z", "2025-01-01T10:05:00Z")]
		with data.config.policy.when_ns as now
	r.code == "build_timing.recent"
}

test_max_age_from_rule_data if {
	count(build_timing.warn) == 0 with input.attestations as [v1("2025-01-01T10:00:00Z", "2025-01-01T10:05:00Z")]
		with data.config.policy.when_ns as now
		with data.rule_data__configuration__.max_build_age_days as 1000
}
