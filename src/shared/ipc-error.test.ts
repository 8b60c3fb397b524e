import { describe, expect, it } from 'vitest'
import { ERROR_CODES, StudioError } from './errors'
import { decodeIpcError, encodeIpcError, formatCodedMessage } from './ipc-error'

/** What Electron makes of a rejected ipcMain.handle in the renderer (electron/lib/renderer/api/ipc-renderer). */
const asElectronRejection = (error: Error, channel: string) => new Error(`Error invoking remote method '${channel}': ${error}`)

describe('IPC error codec', () => {
  it('round-trips every code through main, Electron and the preload', () => {
    for (const code of ERROR_CODES) {
      const original = new StudioError(code, `Something about "/data/x.bin" [${code}] went wrong:\nline two`)
      const decoded = decodeIpcError(asElectronRejection(encodeIpcError(original), 'studio:getHardware'))
      expect(decoded).toBeInstanceOf(StudioError)
      expect([decoded.code, decoded.message]).toEqual([code, original.message])
    }
  })

  it('is idempotent, also after the contextBridge kept only the message', () => {
    const once = decodeIpcError(new Error(formatCodedMessage('not_found', 'No such file')))
    expect(decodeIpcError(once)).toEqual(once)
    const bridged = new Error(formatCodedMessage(once.code, once.message))
    expect([decodeIpcError(bridged).code, decodeIpcError(bridged).message]).toEqual(['not_found', 'No such file'])
  })

  it('turns plain errors into engine_error and keeps their text', () => {
    expect(encodeIpcError(new TypeError('x is undefined')).message).toBe('[engine_error] x is undefined')
    const decoded = decodeIpcError(new Error('socket hang up'))
    expect([decoded.code, decoded.message]).toEqual(['engine_error', 'socket hang up'])
    expect(decodeIpcError(new Error('[made_up] no')).code).toBe('engine_error')
  })
})
