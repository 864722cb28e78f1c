# METADATA
# title: Build timing
# description: >-
#   The provenance records a plausible build window, recent enough to release.
package build_timing

import data.lib
import rego.v1

# [startedOn, finishedOn] of each SLSA provenance, in either version's fields.
windows contains [started, finished] if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v1"
	started := att.statement.predicate.runDetails.metadata.startedOn
	finished := att.statement.predicate.runDetails.metadata.finishedOn
}

windows contains [started, finished] if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v0.2"
	started := att.statement.predicate.metadata.buildStartedOn
	finished := att.statement.predicate.metadata.buildFinishedOn
}

# METADATA
# title: Build finished after it started
# description: >-
#   The provenance's finish time is not before its start time.
# custom:
#   short_name: window_ordered
#   failure_msg: The build finished at %s, before it started at %s
#   solution: Check the builder's clock and the provenance it writes.
#   collections:
#   - slsa3
deny contains result if {
	some w in windows
	time.parse_rfc3339_ns(w[1]) < time.parse_rfc3339_ns(w[0])
	result := lib.result_helper(rego.metadata.chain(), [w[1], w[0]])
}

# METADATA
# title: Recent build
# description: >-
#   The build finished within the max_build_age_days rule data of the effective time.
# custom:
#   short_name: recent
#   failure_msg: The build finished at %s, more than %d days before the effective time
#   solution: Rebuild the image, or raise max_build_age_days.
#   collections:
#   - release
warn contains result if {
	some w in windows
	max_days := lib.rule_data("max_build_age_days")
	age_ns := lib.effective_time_ns - time.parse_rfc3339_ns(w[1])
	age_ns > max_days * 86400000000000
	result := lib.result_helper(rego.metadata.chain(), [w[1], max_days])
}
