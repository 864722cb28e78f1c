package signature_kind_test

import data.signature_kind
import rego.v1

test_key_only_warns if {
	some r in signature_kind.warn with input.image.signatures as [{"keyid": "", "sig": "MEU", "certificate": ""}]
	r.code == "signature_kind.certificate_present"
}

test_certificate_passes if {
	count(signature_kind.warn) == 0 with input.image.signatures as [{"keyid": "", "sig": "MEU", "certificate": "-----BEGIN CERTIFICATE-----"}]
}
