// Real bundles (test/fixtures: sigstore-conformance, cosign's production bundle) mutated: any byte
// edit, any node replaced by other JSON, any bit of a signed field flipped. Reading never throws an
// untyped exception, and verification passes only when what was signed and who signed it are
// exactly the original's (an unsigned field such as a v0.2+ log index may change harmlessly).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { VouchError } from '../../../src/errors.ts';
import { parseBundle, type ParsedBundle } from '../../../src/sigstore/signing-material.ts';
import { loadTrustedRoot } from '../../../src/sigstore/trust-root.ts';
import { verifyArtifactBundle, type ArtifactVerification } from '../../../src/sigstore/verify-artifact.ts';
import { belongsToRun, SignatureRejected } from '../../../src/sigstore/errors.ts';
import { fc, fuzz, fuzzParameters } from '../../support/fuzz.ts';
import { applyEdit, byteEdit, getAt, jsonPaths, setAt } from '../../support/mutate.ts';
import { withinCpu } from '../../support/cpu-time.ts';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
const cases = `${fixtures}/sigstore-conformance/bundle-verify`;
const read = (p: string): string => readFileSync(p, 'utf8');
const production = await loadTrustedRoot({ cacheDir: '/nonexistent', env: {} });
const beacon = {
  subject:
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const aTxt = { bytes: readFileSync(`${cases}/a.txt`) };

interface Real {
  name: string;
  text: string;
  check: Omit<ArtifactVerification, 'bundle'>;
}

const codyBundle = read(`${fixtures}/cosign-bundle/oci-attestation.sigstore.json`);
const codySubject = (
  JSON.parse(Buffer.from((JSON.parse(codyBundle) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString('utf8')) as {
    subject: { digest: { sha256: string } }[];
  }
).subject[0]!.digest.sha256;

const reals: Real[] = [
  {
    name: 'happy-path-v0.1 (chain, Rekor SET)',
    text: read(`${cases}/happy-path-v0.1/bundle.sigstore.json`),
    check: { artifact: aTxt, trustedRoot: production, identity: beacon },
  },
  {
    name: 'happy-path-v0.3 (certificate, inclusion proof)',
    text: read(`${cases}/happy-path-v0.3/bundle.sigstore.json`),
    check: { artifact: aTxt, trustedRoot: production, identity: beacon },
  },
  {
    name: 'rekor2-happy-path (Rekor v2, TSA)',
    text: read(`${cases}/rekor2-happy-path/bundle.sigstore.json`),
    check: { artifact: aTxt, trustedRoot: JSON.parse(read(`${cases}/rekor2-happy-path/trusted_root.json`)), identity: beacon },
  },
  {
    name: 'managed-key-happy-path (key)',
    text: read(`${cases}/managed-key-happy-path/bundle.sigstore.json`),
    check: { artifact: aTxt, trustedRoot: production, publicKey: read(`${cases}/managed-key-happy-path/key.pub`) },
  },
  {
    name: "cosign's production DSSE bundle",
    text: codyBundle,
    check: {
      artifact: { sha256: codySubject },
      trustedRoot: JSON.parse(read(`${fixtures}/cosign-bundle/trusted_root_pgi.json`)),
      identity: { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' },
    },
  },
];

/**
 * What is signed and who signed: the parts a passing verification must leave unchanged. Labels are
 * left out: the message digest's algorithm name (the digest is recomputed with SHA-256 and
 * compared) and a key's hint (key mode verifies with the given key whatever the hint says).
 */
function signedParts(p: ParsedBundle): unknown {
  const content =
    p.bundle.content.$case === 'messageSignature'
      ? { ...p.bundle.content.messageSignature, messageDigest: p.bundle.content.messageSignature.messageDigest.digest }
      : p.bundle.content;
  const material = p.bundle.verificationMaterial.content;
  return { content, material: material.$case === 'publicKey' ? 'publicKey' : material };
}
const certificateB64 = (JSON.parse(codyBundle) as { verificationMaterial: { certificate: { rawBytes: string } } }).verificationMaterial.certificate.rawBytes;
const originals = reals.map((r) => signedParts(parseBundle(r.text)));

// Each run verifies a bundle (a few milliseconds of cryptography): a quarter of the shared count.
const heavy = { numRuns: Math.max(25, Math.round((fuzzParameters().numRuns ?? 200) / 4)) };

// Typed, and the signature's own failure: hostile bytes never stop the run (belongsToRun).
const typed = (err: unknown): boolean => (err instanceof VouchError || err instanceof SignatureRejected) && !belongsToRun(err);

/** Verifies `text` as `real` would be; returns whether it passed, asserting any failure is typed. */
function verifies(real: Real, text: string): boolean {
  try {
    verifyArtifactBundle({ ...real.check, bundle: text });
    return true;
  } catch (err) {
    assert.ok(typed(err), `untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return false;
  }
}

function assertOnlyHarmlessChangesVerify(i: number, text: string): void {
  if (!verifies(reals[i]!, text)) return;
  assert.ok(isDeepStrictEqual(signedParts(parseBundle(text)), originals[i]), `${reals[i]!.name}: verified with a changed signature, content or signer`);
}

test('the real bundles verify unmutated (the baseline of every property below)', () => {
  reals.forEach((r) => assert.ok(verifies(r, r.text), r.name));
});

test('any byte edit of a real bundle: typed errors only; verified only if the signed parts are unchanged', () => {
  fuzz(
    fc.property(fc.nat({ max: reals.length - 1 }), byteEdit, (i, edit) => {
      assertOnlyHarmlessChangesVerify(i, applyEdit(Buffer.from(reals[i]!.text), edit).toString('latin1'));
    }),
    heavy,
  );
});

const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', 'AA==', [], {}, [null], { rawBytes: 1 }, { certificates: [null] }, 0, -1, 1e300, true),
);

test('any node of a real bundle replaced by other JSON: typed errors only; verified only if the signed parts are unchanged', () => {
  fuzz(
    fc.property(fc.nat({ max: reals.length - 1 }), fc.nat(), anyJson, (i, pick, replacement) => {
      const json: unknown = JSON.parse(reals[i]!.text);
      const paths = jsonPaths(json);
      const mutated = setAt(json, paths[pick % paths.length]!, replacement);
      assertOnlyHarmlessChangesVerify(i, JSON.stringify(mutated));
    }),
    heavy,
  );
});

// base64 fields whose every bit is signed: by the signer, the CA, Rekor or the TSA.
const SIGNED = /^(payload|sig|signature|digest|rawBytes|canonicalizedBody|signedEntryTimestamp)$/;

test('one bit flipped in any signed field (signature, payload, digest, certificate, log entry): never verifies', () => {
  const signedPaths = reals.map((r) =>
    jsonPaths(JSON.parse(r.text)).filter((p) => SIGNED.test(String(p[p.length - 1])) && typeof getAt(JSON.parse(r.text), p) === 'string'),
  );
  fuzz(
    fc.property(fc.nat({ max: reals.length - 1 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (i, pick, at, bit) => {
      const json: unknown = JSON.parse(reals[i]!.text);
      const path = signedPaths[i]![pick % signedPaths[i]!.length]!;
      const bytes = Buffer.from(getAt(json, path) as string, 'base64');
      const flipped = applyEdit(bytes, { op: 'flip', at, bit }).toString('base64');
      assert.equal(
        verifies(reals[i]!, JSON.stringify(setAt(json, path, flipped))),
        false,
        `${reals[i]!.name}: verified with a bit of ${path.join('.')} flipped`,
      );
    }),
    heavy,
  );
});

test('bounded time on hostile sizes: deep nesting, 200 000 keys, thousands of certificates or log entries are refused within seconds', () => {
  const hostile = [
    `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":0`).join(',')}}`,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      dsseEnvelope: { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==' }] },
      verificationMaterial: { x509CertificateChain: { certificates: Array.from({ length: 2000 }, () => ({ rawBytes: certificateB64 })) } },
    }),
  ];
  const withEntries = JSON.parse(reals[1]!.text) as { verificationMaterial: { tlogEntries: Record<string, unknown>[] } };
  const entry = withEntries.verificationMaterial.tlogEntries[0]!;
  withEntries.verificationMaterial.tlogEntries = Array.from({ length: 1500 }, (_, i) => ({ ...entry, integratedTime: String(1_700_000_000 + i) }));
  hostile.push(JSON.stringify(withEntries));
  for (const text of hostile) {
    withinCpu(5000, `${text.length} bytes`, () =>
      assert.throws(
        () => parseBundle(text),
        (err: unknown) => typed(err),
      ),
    );
  }
});
