/** Decodes base64 with atob: the tests' check on the hand-written encoder (tests only). */
export const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
