// The fixture factory for end-to-end tests: images in the loopback registry, signed and attested by
// the real cosign with a key pair made per run, plus every bad case of issue 2.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attest, generateKeyPair, sign, type KeyPair } from './cosign.ts';
import { copyManifest, pushImage, pushIndex, rewriteManifest, type PushedImage } from './images.ts';
import { slsaV02, slsaV1 } from './predicates.ts';
import type { TestRegistry } from './registry.ts';

export interface Fixtures {
  dir: string;
  key: KeyPair;
  otherKey: KeyPair;
  happy: PushedImage;
  v1: PushedImage;
  multiArch: { index: PushedImage; platforms: PushedImage[] };
  snapshot: PushedImage[];
  wrongKey: PushedImage;
  copiedSignature: PushedImage;
  wrongSubjectAttestation: PushedImage;
  tamperedSignature: PushedImage;
  unsigned: PushedImage;
  noAttestations: PushedImage;
  movedTag: { ref: string; signedDigest: string; current: PushedImage };
}

const sigTag = (img: PushedImage, suffix: 'sig' | 'att'): string => `${img.pinned.split('@')[0]!}:${img.digest.replace(':', '-')}.${suffix}`;

export async function makeFixtures(reg: TestRegistry): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-fixtures-'));
  const [key, otherKey] = await Promise.all([generateKeyPair(dir, 'cosign'), generateKeyPair(dir, 'other')]);
  const h = reg.host;
  const signAndAttest = async (img: PushedImage, k: KeyPair = key, v1 = false): Promise<void> => {
    await sign(dir, img.pinned, k);
    await attest(dir, img.pinned, k, v1 ? slsaV1() : slsaV02(), v1 ? 'slsaprovenance1' : 'slsaprovenance');
  };

  const [happy, v1, snapshot, wrongKey, copiedSignature, wrongSubjectAttestation, tamperedSignature, unsigned, noAttestations, moved] = await Promise.all([
    pushImage(`${h}/happy:v1`, { labels: { 'com.example.team': 'release' } }),
    pushImage(`${h}/slsa-v1:v1`),
    Promise.all(['api', 'web', 'worker'].map((n) => pushImage(`${h}/snap-${n}:v1`))),
    pushImage(`${h}/wrong-key:v1`),
    pushImage(`${h}/copied-sig:v1`),
    pushImage(`${h}/wrong-subject:v1`),
    pushImage(`${h}/tampered:v1`),
    pushImage(`${h}/unsigned:v1`),
    pushImage(`${h}/no-att:v1`),
    pushImage(`${h}/moved:v1`),
  ]);
  const multiArch = await pushIndex(`${h}/multi:v1`);

  await Promise.all([
    signAndAttest(happy),
    signAndAttest(v1, key, true),
    ...snapshot.map((s) => signAndAttest(s)),
    signAndAttest(wrongKey, otherKey),
    attest(dir, copiedSignature.pinned, key, slsaV02(), 'slsaprovenance'),
    sign(dir, wrongSubjectAttestation.pinned, key),
    signAndAttest(tamperedSignature),
    sign(dir, noAttestations.pinned, key),
    signAndAttest(moved),
    signAndAttest(multiArch.index),
    ...multiArch.platforms.map((p) => signAndAttest(p)),
  ]);
  // Bad cases made from real signatures: another image's signature and attestation, copied over.
  await copyManifest(sigTag(happy, 'sig'), sigTag(copiedSignature, 'sig'));
  await copyManifest(sigTag(happy, 'att'), sigTag(wrongSubjectAttestation, 'att'));
  // A tampered layer: the signature annotation no longer matches the payload.
  await rewriteManifest(sigTag(tamperedSignature, 'sig'), (m) => {
    const layer = (m.layers as { annotations: Record<string, string> }[])[0]!;
    const sig = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature']!, 'base64');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
    layer.annotations['dev.cosignproject.cosign/signature'] = sig.toString('base64');
  });
  // The tag moves after signing: it now names an unsigned image.
  const current = await pushImage(`${h}/moved:v1`);
  return {
    dir,
    key,
    otherKey,
    happy,
    v1,
    multiArch,
    snapshot,
    wrongKey,
    copiedSignature,
    wrongSubjectAttestation,
    tamperedSignature,
    unsigned,
    noAttestations,
    movedTag: { ref: `${h}/moved:v1`, signedDigest: moved.digest, current },
  };
}
