/**
 * StudioClient over the Electron preload bridge (`window.studio`, typed in src/preload/api.d.ts).
 * The bridge already speaks the contract; this adapter adds the connection state (always connected:
 * IPC cannot drop) and decodes rejections so stores read `code` the same way in both hosts.
 */
import { decodeIpcError } from '../../../../shared/ipc-error'
import type { StudioBridge } from '../../../../preload/api'
import { STUDIO_METHODS } from '../../../../shared/studio-api'
import { CONNECTED, StudioClientError, clientMethods, type ClientCalls, type StudioClient } from './studio-client'

export function findBridge(scope: object): StudioBridge | null {
  const candidate = (scope as { studio?: unknown }).studio
  if (typeof candidate !== 'object' || candidate === null) return null
  return typeof (candidate as Partial<StudioBridge>).getHardware === 'function' ? (candidate as StudioBridge) : null
}

/** The contextBridge keeps only an error's message, where the code travels as "[code] message". */
function decode(error: unknown): StudioClientError {
  if (error instanceof StudioClientError) return error
  const decoded = decodeIpcError(error)
  return new StudioClientError(decoded.code, decoded.message)
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw decode(error)
  }
}

export function createBridgeClient(bridge: StudioBridge): StudioClient {
  const calls = Object.fromEntries(
    clientMethods(STUDIO_METHODS).map((method) => [method, (params?: unknown) => call(() => (bridge[method] as (p: unknown) => Promise<unknown>)(params ?? {}))]),
  ) as unknown as ClientCalls
  return {
    ...calls,
    mode: 'desktop',
    cancelTask: (taskId) => call(() => bridge.cancelTask({ taskId })),
    // Folders work here: the preload maps the File to its path and main inspects the folder.
    inspectDroppedFile: (file) => call(() => bridge.inspectDroppedFile(file)),
    // By reference: the preload maps each File to its path; main imports them one by one.
    importFiles: (files) => call(() => bridge.importDroppedFiles([...files])),
    onEvents: (listener) => bridge.onEvents(listener),
    getConnectionState: () => CONNECTED,
    onConnectionChange: () => () => {},
    dispose: () => {},
  }
}
