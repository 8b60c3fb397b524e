/**
 * Buffers of the block kernels (native-block.ts, native-class-block.ts): reused scratch arrays for the backward
 * passes' intermediates, and named views of the one flat tensor a forward kernel returns its saved activations in
 * (TF.js clones every saved tensor, one kernel call each, so a block saves one).
 */

/** A pool of scratch arrays by name, reused between calls (JavaScript runs one kernel at a time). */
export function scratchPool(): (name: string, length: number) => Float32Array {
  const scratch = new Map<string, Float32Array>()
  return (name, length) => {
    let b = scratch.get(name)
    if (!b || b.length < length) scratch.set(name, (b = new Float32Array(length)))
    return b.length === length ? b : b.subarray(0, length)
  }
}

/** The length of `order`'s arrays packed one after another. */
export const packedLength = <N extends string>(order: readonly N[], sizes: Record<N, number>): number => order.reduce((total, name) => total + sizes[name], 0)

/** Views of consecutive blocks of `packed`, one per name of `order`, each sizes[name] long. */
export function packedViews<N extends string>(packed: Float32Array, order: readonly N[], sizes: Record<N, number>): Record<N, Float32Array> {
  let offset = 0
  const views = {} as Record<N, Float32Array>
  for (const name of order) {
    views[name] = packed.subarray(offset, offset + sizes[name])
    offset += sizes[name]
  }
  return views
}
