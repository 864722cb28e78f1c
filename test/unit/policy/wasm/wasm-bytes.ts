// Byte builders for hand-made wasm modules: what opa never emits, for the patches' refusals.
import { uleb } from '../../../../src/policy/wasm/wasm-binary.ts';

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s)];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
