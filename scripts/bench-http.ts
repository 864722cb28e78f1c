// `node scripts/bench-http.ts`: CPU time per registry request of the registry client, against the
// real docker-registry on loopback. Each round is a fresh RegistryClient reading K distinct blobs
// (16 in flight, keep-alive), so every call is one request with a body read, a digest check and the
// client's limits; the figure is the process's CPU time (user + system) over the round divided by K,
// the registry's own CPU excluded (it is another process). Prints one JSON line.
import { cpuUsage } from 'node:process';
import { RegistryClient } from '../src/oci/client.ts';
import { parseReference } from '../src/oci/reference.ts';
import { pushImage } from '../test/support/images.ts';
import { startRegistry } from '../test/support/registry.ts';
import type { BlobDescriptor } from '../src/oci/types.ts';

const K = Number(process.env.BENCH_HTTP_K ?? 2000);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);

const reg = await startRegistry();
try {
  // K blobs: the layer and config of K/2 images.
  const images = [];
  for (let i = 0; i < K / 2; i += 16) {
    images.push(...(await Promise.all(Array.from({ length: Math.min(16, K / 2 - i) }, (_, j) => pushImage(`${reg.host}/bench-http:${i + j}`)))));
  }
  const probe = new RegistryClient({ env: {} });
  const blobs: { ref: ReturnType<typeof parseReference>; desc: BlobDescriptor }[] = [];
  for (const img of images) {
    const ref = parseReference(img.pinned);
    const m = await probe.getManifest(ref, img.digest);
    if (!m || !('config' in m.manifest)) throw new Error('no manifest');
    blobs.push({ ref, desc: m.manifest.config }, { ref, desc: m.manifest.layers[0]! });
  }
  const perRequestUs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const client = new RegistryClient({ env: {}, maxConcurrency: 16, blobCacheBytes: 0 });
    const start = cpuUsage();
    const wall = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < blobs.length) {
          const b = blobs[next++]!;
          await client.getBlob(b.ref, b.desc);
        }
      }),
    );
    const used = cpuUsage(start);
    const wallMs = performance.now() - wall;
    perRequestUs.push((used.user + used.system) / blobs.length);
    process.stderr.write(
      `round ${round}: ${((used.user + used.system) / blobs.length).toFixed(1)} µs CPU/request, ${((wallMs * 1000) / blobs.length).toFixed(1)} µs wall/request\n`,
    );
  }
  perRequestUs.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ requests: blobs.length, rounds: ROUNDS, medianCpuUsPerRequest: Number(perRequestUs[Math.floor(ROUNDS / 2)]!.toFixed(1)), minCpuUsPerRequest: Number(perRequestUs[0]!.toFixed(1)) })}\n`,
  );
} finally {
  await reg.stop();
}
