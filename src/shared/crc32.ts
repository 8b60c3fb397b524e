/**
 * Table-driven reflected CRC-32 for any polynomial: 0xEDB88320 is ISO 3309 (PNG, zip), 0x82F63B78 is Castagnoli
 * (CRC-32C: TFRecord, TensorBoard event files). Initial value and final XOR are 0xFFFFFFFF for both.
 */
export function reflectedCrc32(polynomial: number): (bytes: Uint8Array) => number {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return (bytes) => {
    let crc = 0xffffffff
    for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8)
    return (crc ^ 0xffffffff) >>> 0
  }
}
