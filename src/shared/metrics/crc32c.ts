/**
 * CRC-32C (Castagnoli), the checksum of TFRecord framing (TensorBoard event files), and the "masked" form TFRecord
 * stores so that a CRC over data that embeds CRCs stays well spread: rotate right by 15 bits, add 0xA282EAD8 (mod 2^32).
 */
import { reflectedCrc32 } from '../crc32'

export const crc32c = reflectedCrc32(0x82f63b78)

export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes)
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0
}
