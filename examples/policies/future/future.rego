# METADATA
# title: Upcoming requirements
# description: >-
#   Rules announced ahead of time: they warn until their effective_on date, then fail.
package future

import data.lib
import rego.v1

# METADATA
# title: Source image published
# description: >-
#   Images will need a source image label linking to their sources.
# custom:
#   short_name: source_label
#   failure_msg: The image has no org.opencontainers.image.source label
#   solution: Add LABEL org.opencontainers.image.source=<repository URL>.
#   effective_on: 2099-01-01T00:00:00Z
#   collections:
#   - release
deny contains result if {
	not input.image.config.Labels["org.opencontainers.image.source"]
	result := object.union(lib.result_helper(rego.metadata.chain(), []), {"effective_on": "2099-01-01T00:00:00Z"})
}
