// Prints each certificate's Subject and Issuer as Go's crypto/x509/pkix Name.String does, one line
// per name: the reference test/unit/sigstore/distinguished-name.test.ts compares vouch against.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

func main() {
	for _, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		block, _ := pem.Decode(data)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			panic(err)
		}
		fmt.Println(cert.Subject.String())
		fmt.Println(cert.Issuer.String())
	}
}
