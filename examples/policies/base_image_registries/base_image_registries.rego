# METADATA
# title: Base image registries
# description: >-
#   Images build on base images from registries the organisation trusts.
package base_image_registries

import data.lib
import rego.v1

# METADATA
# title: Base image from an allowed registry
# description: >-
#   The parent image (from the org.opencontainers.image.base.name annotation) comes from a registry
#   prefix listed in the allowed_registry_prefixes rule data.
# custom:
#   short_name: base_image_permitted
#   failure_msg: Base image %q is not from an allowed registry prefix %v
#   solution: Build FROM an image in an allowed registry, or add its prefix to allowed_registry_prefixes.
#   collections:
#   - release
deny contains result if {
	ref := input.image.parent.ref
	allowed := lib.rule_data("allowed_registry_prefixes")
	not any_prefix(ref, allowed)
	result := lib.result_helper_with_term(rego.metadata.chain(), [ref, allowed], ref)
}

any_prefix(ref, prefixes) if {
	some p in prefixes
	startswith(ref, p)
}
