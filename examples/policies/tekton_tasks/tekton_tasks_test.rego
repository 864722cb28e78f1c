package tekton_tasks_test

import data.tekton_tasks
import rego.v1

run(tasks) := [{"statement": {"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2", "predicate": {"buildConfig": {"tasks": tasks}}}}]

task(name, ref, status) := {"name": name, "ref": {"kind": "Task", "name": ref}, "status": status}

test_complete_successful_run_passes if {
	attestations := run([task("clone", "git-clone", "Succeeded"), task("build", "buildah", "Succeeded")])
	count(tekton_tasks.deny) == 0 with input.attestations as attestations
	count(tekton_tasks.warn) == 0 with input.attestations as attestations
}

test_failed_task_fails if {
	some r in tekton_tasks.deny with input.attestations as run([task("build", "buildah", "Failed")])
	r.code == "tekton_tasks.successful"
	r.term == "build"
}

test_missing_required_task_warns if {
	some r in tekton_tasks.warn with input.attestations as run([task("build", "buildah", "Succeeded")])
	r.code == "tekton_tasks.required_tasks_found"
	r.term == "git-clone"
}

test_no_tekton_provenance_is_silent if {
	count(tekton_tasks.warn) == 0 with input.attestations as []
}
