# METADATA
# title: Tekton tasks
# description: >-
#   For Tekton Chains provenance (SLSA v0.2 buildConfig.tasks): the pipeline ran the required tasks,
#   and every task succeeded.
package tekton_tasks

import data.lib
import rego.v1

tasks contains task if {
	some att in lib.slsa_provenance_attestations
	att.statement.predicateType == "https://slsa.dev/provenance/v0.2"
	some task in att.statement.predicate.buildConfig.tasks
}

task_names contains task.ref.name if some task in tasks

# METADATA
# title: Tasks succeeded
# description: >-
#   Every task of the pipeline run reported Succeeded.
# custom:
#   short_name: successful
#   failure_msg: Task %q ended with status %q
#   solution: Fix the failing task; a release is built from a pipeline run whose tasks all succeeded.
#   collections:
#   - release
deny contains result if {
	some task in tasks
	task.status != "Succeeded"
	result := lib.result_helper_with_term(rego.metadata.chain(), [task.name, task.status], task.name)
}

# METADATA
# title: Required tasks ran
# description: >-
#   The pipeline run includes every task listed in the required_tasks rule data (by task reference name).
# custom:
#   short_name: required_tasks_found
#   failure_msg: Required task %q is missing from the pipeline run
#   solution: Add the task to the build pipeline.
#   collections:
#   - release
warn contains result if {
	count(tasks) > 0
	some required in lib.rule_data("required_tasks")
	not required in task_names
	result := lib.result_helper_with_term(rego.metadata.chain(), [required], required)
}
