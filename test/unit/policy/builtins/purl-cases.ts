// Purls the ec.purl.* builtins are tried on beyond the purl-spec suite: hand-written hostile and
// corner-case inputs (percent-escapes decoding to invalid UTF-8, duplicate qualifiers, option-like
// text, control characters, the pkg:/ and pkg:// forms, per-type normalisation). Their expected
// answers were recorded from packageurl-go v0.1.3 itself (see test/fixtures/README.md).
export const HOSTILE_PURLS: string[] = [
  // percent-encoding
  'pkg:npm/%', 'pkg:npm/a%2', 'pkg:npm/a%zz', 'pkg:npm/a%00b', 'pkg:npm/a%2Fb', 'pkg:npm/ns%2Fsub/a', 'pkg:npm/%40angular/core', 'pkg:npm/a@1%402',
  'pkg:npm/a%25', 'pkg:npm/a%2520', 'pkg:npm/a+b', 'pkg:npm/a%2Bb', 'pkg:npm/a?k=a+b%2Bc', 'pkg:npm/a?k=%zz', 'pkg:npm/a?%zz=1', 'pkg:npm/a?k%3D=v',
  'pkg:npm/%C3%A4', 'pkg:npm/%C3', 'pkg:npm/a%ED%A0%80', 'pkg:npm/%F4%90%80%80', 'pkg:npm/%C0%80', 'pkg:npm/%E2%82', 'pkg:npm/%FF%FE', 'pkg:npm/a?k=%FF',
  'pkg:npm/a#%FF', 'pkg:npm/a#%zz', 'pkg:npm/%FF/a', 'pkg:npm/a@%FF', 'pkg:deb/%C3%84/x', 'pkg:npm/%C3%84', 'pkg:/npm/a%252Fb', 'pkg://npm/%2540angular/core',
  // duplicate and odd qualifiers
  'pkg:npm/a?a=1&a=2', 'pkg:npm/a?a=1&A=2', 'pkg:npm/a?a=&a=1', 'pkg:npm/a?a=1&a=', 'pkg:npm/a?a=1&a=1', 'pkg:npm/a?b=2&a=1&c=3', 'pkg:npm/a?', 'pkg:npm/a?&&',
  'pkg:npm/a?=v', 'pkg:npm/a?k', 'pkg:npm/a?k=v;x=y', 'pkg:npm/a?1k=v', 'pkg:npm/a?_k.-=v', 'pkg:npm/a?k=v=w', 'pkg:npm/a?K=V',
  'pkg:generic/a?download_url=https://x/y?z#frag', 'pkg:generic/a?checksum=sha256:x,sha1:y',
  // option-like and control characters
  '--help', '-rf /', 'pkg:npm/--help', 'pkg:npm/-x@--version', 'pkg:npm/a\u0000b', 'pkg:npm/a b', 'pkg:npm/a\tb', 'pkg:npm/a\nb', 'pkg:npm/a#\u0001', 'pkg:npm/a\u007f',
  // forms
  'pkg:/npm/a', 'pkg://npm/a', 'pkg:///npm/a', 'PKG:npm/a', 'pkg:NPM/A', 'pkg:npm/a/', 'pkg:npm//a', 'pkg:npm/@a', 'pkg:npm/a@', 'pkg:npm/a@1@2', 'pkg:npm', 'pkg:',
  'pkg:/', 'pkg:npm/', 'pkg:/npm/./a/../b', 'pkg://npm//a', 'pkg://[::1]/a', 'pkg://a:b@npm/x', 'pkg://npm:80/x', 'pkg://np%41m/x', 'pkg://n%C3%A4m/x', 'pkg:npm:x/a',
  'http://npm/a', 'npm/a', ':pkg', 'pkg :npm/a', 'pkg:npm/a#', 'pkg:npm/a#/./b', 'pkg:npm/a#../b', 'pkg:npm/a#b/../c', 'pkg:npm/a#%2e%2e/x', 'pkg:npm/a#//b//', 'pkg:npm/a#./b',
  // types and their normalisation
  'pkg:conan/ns/n@1', 'pkg:conan/ns/n@1?channel=s', 'pkg:conan/n@1?channel=s', 'pkg:conan/n@1?channel=', 'pkg:swift/n@1', 'pkg:swift/ns/n', 'pkg:swift/ns/n@1', 'pkg:cran/n', 'pkg:cran/n@1',
  'pkg:pypi/Django_Rest', 'pkg:mlflow/Model?repository_url=https://databricks.example', 'pkg:mlflow/Model?repository_url=https://azureml.databricks', 'pkg:mlflow/Model',
  'pkg:huggingface/ns/n@ABCDEF', 'pkg:deb/DEBIAN/CURL', 'pkg:golang/GitHub.com/Foo/Bar@V1', 'pkg:rpm/FEDORA/Curl', 'pkg:oci/ubi9@sha256%3Aabc?repository_url=quay.io/x&arch=amd64',
  'pkg:docker/library/nginx@sha256:abc', 'pkg:maven/org.apache/x@1?classifier=sources&type=jar', 'pkg:k\u212Aube/x', 'pkg:\u0130/x', 'pkg:deb/\u0130/x', 'pkg:npm/\u03a3\u0391\u03a3',
  'pkg:npm/a\u2028', 'pkg:npm/\u{1F600}', 'pkg:9npm/a', 'pkg:n_pm/a', 'pkg:n+p.m-/a', 'pkg:rpm/redhat/openssl@3.0.7-1.el9?arch=x86_64&epoch=1&distro=rhel-9.2',
  'pkg:rpm/redhat/openssl@1:3.0.7?arch=x86_64', 'pkg:github/Konflux-CI/Build-Definitions@ABC#task/buildah',
];
