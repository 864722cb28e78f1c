# METADATA
# title: Image labels
# description: >-
#   Image configuration labels that release tooling relies on.
package labels

import data.lib
import rego.v1

# METADATA
# title: Required labels
# description: >-
#   The image config has every label listed in the required_labels rule data.
# custom:
#   short_name: required
#   failure_msg: The image has no %q label
#   solution: Add the label to the image, e.g. with LABEL in the Containerfile.
#   collections:
#   - release
warn contains result if {
	some label in lib.rule_data("required_labels")
	not input.image.config.Labels[label]
	result := lib.result_helper_with_term(rego.metadata.chain(), [label], label)
}
