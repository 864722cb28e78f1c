// The legacy layout's untrusted parts, from the real conforma keyless image (test/fixtures): the
// `.sig` layer's annotations (signature, certificate, chain, Rekor bundle, RFC 3161 timestamp), its
// simple-signing payload and the `.att` DSSE envelope, mutated. Parsers throw typed errors only, and
// a mutated layer verifies only when its signature, certificate and payload are the original's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { VouchError } from '../../../src/errors.ts';
import { OciLayoutSource } from '../../../src/oci/layout.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import type { Descriptor } from '../../../src/oci/types.ts';
import { assertSimpleSigningClaim } from '../../../src/sigstore/claims.ts';
import { Annotation } from '../../../src/sigstore/cosign-layout.ts';
import { dsseBundle, messageSignatureBundle, parseEnvelope, parseRekorBundle, parseRfc3161Annotation } from '../../../src/sigstore/legacy-bundle.ts';
import { assertRekorBodyNamesSigner } from '../../../src/sigstore/rekor-binding.ts';
import { verifyLayerSigner } from '../../../src/sigstore/signer-check.ts';
import { legacySigningCertificate } from '../../../src/sigstore/signing-material.ts';
import type { VerifyContext } from '../../../src/sigstore/types.ts';
import { belongsToRun, SignatureRejected } from '../../../src/sigstore/errors.ts';
import { fc, fuzz, fuzzParameters } from '../../support/fuzz.ts';
import { applyEdit, byteEdit, jsonPaths, setAt } from '../../support/mutate.ts';

const fixture = fileURLToPath(new URL('../../fixtures/conforma-keyless-image', import.meta.url));
const blob = (digest: string): Buffer => readFileSync(`${fixture}/oci-layout/blobs/sha256/${digest.replace('sha256:', '')}`);
type Manifest = { layers: Descriptor[] };
const sigLayer = (JSON.parse(blob('sha256:4912946aa9657bed0670396e6b0862038a1294225fac21be92a3938e0c62abe4').toString()) as Manifest).layers[0]!;
const attLayer = (JSON.parse(blob('sha256:8bd6efa7b156bb334427c63b32d6a484288a205e8cdc468c882275d046f059df').toString()) as Manifest).layers[0]!;
const payload = blob(sigLayer.digest);
const envelope = blob(attLayer.digest);
const annotations = sigLayer.annotations!;
const IMAGE = 'sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee';

// Typed, and the signature's own failure: hostile bytes never stop the run (belongsToRun).
const typed = (err: unknown): boolean => (err instanceof VouchError || err instanceof SignatureRejected) && !belongsToRun(err);
const assertTyped = (fn: () => unknown): void => {
  try {
    fn();
  } catch (err) {
    assert.ok(typed(err), `untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
};
const edited = (text: string): fc.Arbitrary<string> => byteEdit.map((e) => applyEdit(Buffer.from(text), e).toString('latin1'));
/** A JSON text with one node replaced, or edited bytes, or anything. */
const mutatedJson = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    edited(text),
    fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([pick, v]) => {
      const json: unknown = JSON.parse(text);
      const paths = jsonPaths(json);
      return JSON.stringify(setAt(json, paths[pick % paths.length]!, v));
    }),
    fc.string(),
  );

test('the Rekor bundle annotation, mutated: parsed or refused with a typed error; the parsed entry builds a bundle without TypeErrors', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
  fuzz(
    fc.property(mutatedJson(annotations[Annotation.Bundle]!), (text) => {
      assertTyped(() => {
        const rekor = parseRekorBundle(text);
        assertTyped(() => assertRekorBodyNamesSigner(rekor.Payload.body, key));
        messageSignatureBundle('AA==', Buffer.alloc(32), { rekor });
      });
    }),
  );
});

test('the RFC 3161 annotation: a base64 string or a typed refusal', () => {
  fuzz(
    fc.property(mutatedJson('{"SignedRFC3161Timestamp":"MIIBAA=="}'), (text) => {
      assertTyped(() => assert.match(parseRfc3161Annotation(text), /^[A-Za-z0-9+/]+=*$/));
    }),
  );
});

test('the DSSE envelope, mutated: one signature with string fields, or a typed refusal; the bundle builds', () => {
  fuzz(
    fc.property(mutatedJson(envelope.toString()), (text) => {
      assertTyped(() => {
        const env = parseEnvelope(Buffer.from(text, 'latin1'));
        assert.equal(env.signatures.length, 1);
        assert.equal(typeof env.payload, 'string');
        dsseBundle(env, {});
      });
    }),
  );
});

test('certificate and chain annotations, mutated: one certificate and its issuers, or a typed refusal', () => {
  const cert = annotations[Annotation.Certificate]!;
  const chain = annotations[Annotation.Chain]!;
  fuzz(
    fc.property(
      fc.oneof(edited(cert), fc.constant(cert)),
      fc.option(fc.oneof(edited(chain), fc.constant(`${chain}\n${cert}`), fc.constant(chain))),
      (c, ch) => {
        assertTyped(() => legacySigningCertificate(c, ch ?? undefined));
      },
    ),
  );
});

// The whole keyless check of the `.sig` layer against the trust root recorded with the image.
const trustedRoot = JSON.parse(readFileSync(`${fixture}/trusted_root.json`, 'utf8')) as unknown;
const ctx: VerifyContext = {
  source: new OciLayoutSource(),
  ref: parseReference(`oci:${fixture}/oci-layout@${IMAGE}`),
  digest: IMAGE,
  mode: {
    kind: 'keyless',
    identity: { subject: 'https://kubernetes.io/namespaces/default/serviceaccounts/default', issuer: 'https://kubernetes.default.svc.cluster.local' },
  },
  trustedRoot: () => Promise.resolve(trustedRoot),
};

async function layerVerifies(layer: Descriptor, bytes: Buffer): Promise<boolean> {
  const sig = layer.annotations?.[Annotation.Signature] ?? '';
  try {
    await verifyLayerSigner(ctx, layer, {
      sig,
      artifact: bytes,
      signedBytes: bytes,
      bundle: (material) => messageSignatureBundle(sig, createHash('sha256').update(bytes).digest(), material),
    });
    assertSimpleSigningClaim(bytes, IMAGE);
    return true;
  } catch (err) {
    assert.ok(typed(err), `untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return false;
  }
}

test('the real .sig layer verifies as it is', async () => {
  assert.ok(await layerVerifies(sigLayer, payload));
});

test('a mutated .sig layer (any annotation or the payload): typed errors only, verified only with the original signature, certificate and payload', async () => {
  const names = [Annotation.Signature, Annotation.Certificate, Annotation.Chain, Annotation.Bundle, Annotation.Rfc3161Timestamp, 'payload'] as const;
  await fuzz(
    fc.asyncProperty(fc.constantFrom(...names), byteEdit, async (name, edit) => {
      const layer = { ...sigLayer, annotations: { ...annotations } };
      let bytes = payload;
      if (name === 'payload') bytes = applyEdit(payload, edit);
      else layer.annotations[name] = applyEdit(Buffer.from(annotations[name] ?? ''), edit).toString('latin1');
      if (!(await layerVerifies(layer, bytes))) return;
      assert.ok(bytes.equals(payload), 'verified with another payload');
      assert.equal(layer.annotations[Annotation.Signature], annotations[Annotation.Signature], 'verified with another signature annotation');
      // The certificate annotation may only differ by whitespace around its one PEM block.
      assert.equal(layer.annotations[Annotation.Certificate]!.trim(), annotations[Annotation.Certificate]!.trim(), 'verified with another certificate');
    }),
    { numRuns: Math.max(25, Math.round((fuzzParameters().numRuns ?? 200) / 4)) },
  );
});
