# Shared helpers for the example policies, in the style of ec-policies' lib package.
package lib

import rego.v1

# SLSA provenance statements attached to the image (v0.2 and v1).
slsa_provenance_attestations := [att |
	some att in input.attestations
	att.statement.predicateType in {"https://slsa.dev/provenance/v0.2", "https://slsa.dev/provenance/v1"}
]

# Rule data: the policy's ruleData first, then a default.
rule_data(key) := value if {
	value := data.rule_data__configuration__[key]
} else := value if {
	value := data.rule_data[key]
} else := default_rule_data[key]

default_rule_data := {
	"allowed_builder_ids": ["https://tekton.dev/chains/v2"],
	"allowed_git_hosts": ["https://example.com/", "https://github.com/"],
	"required_labels": ["org.opencontainers.image.title"],
	"allowed_oidc_issuers": ["https://token.actions.githubusercontent.com"],
	"allowed_statement_types": ["https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1"],
	"max_build_age_days": 90,
	"allowed_registry_prefixes": ["registry.access.redhat.com/", "quay.io/", "docker.io/library/"],
	"required_tasks": ["git-clone", "buildah"],
}

# The policy's effective time (ec's data.config.policy.when_ns), so time-based rules are reproducible.
effective_time_ns := data.config.policy.when_ns

# A result object as ec-policies builds them: code from the annotation chain, message from failure_msg.
result_helper(chain, params) := {"code": code, "msg": msg} if {
	rule_annotations := chain[0].annotations
	rule_path := chain[0].path
	pkg := concat(".", array.slice(rule_path, 0, count(rule_path) - 1))
	code := sprintf("%s.%s", [pkg, rule_annotations.custom.short_name])
	msg := sprintf(rule_annotations.custom.failure_msg, params)
}

result_helper_with_term(chain, params, term) := object.union(result_helper(chain, params), {"term": term})
