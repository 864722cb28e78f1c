package base_image_registries_test

import data.base_image_registries
import rego.v1

test_no_parent_passes if {
	count(base_image_registries.deny) == 0 with input.image as {"ref": "r.example/app@sha256:1"}
}

test_allowed_parent_passes if {
	count(base_image_registries.deny) == 0 with input.image as {"ref": "r", "parent": {"ref": "registry.access.redhat.com/ubi9@sha256:1"}}
		with data.rule_data__configuration__.allowed_registry_prefixes as ["registry.access.redhat.com/"]
}

test_other_parent_fails if {
	some r in base_image_registries.deny with input.image as {"ref": "r", "parent": {"ref": "docker.io/library/alpine@sha256:1"}}
		with data.rule_data__configuration__.allowed_registry_prefixes as ["registry.access.redhat.com/"]
	r.code == "base_image_registries.base_image_permitted"
	r.term == "docker.io/library/alpine@sha256:1"
}
