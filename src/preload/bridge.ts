/**
 * Builds the `window.studio` object: one task-named function per Studio method (generated from the contract's
 * method list, so a new method cannot be forgotten here), the two that take DOM Files, and onEvents. No raw
 * ipcRenderer. Runs in the sandboxed preload, so it may import only 'electron' (types here) and src/shared.
 */
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron'
import { StudioError, serializeError } from '../shared/errors'
import type { StudioEvent } from '../shared/events'
import { decodeIpcError, formatCodedMessage } from '../shared/ipc-error'
import type { ImportOutcome } from '../shared/models'
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_PREFIX, STUDIO_METHODS, type StudioCalls, type StudioMethod, type StudioParams, type StudioResult } from '../shared/studio-api'
import type { StudioBridge } from './api'

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>
export type BridgeWebUtils = Pick<WebUtils, 'getPathForFile'>

/** The contextBridge copies only an error's message, so the code stays in it too ("[code] message"). */
function bridgeError(error: unknown): StudioError {
  const decoded = decodeIpcError(error)
  return new StudioError(decoded.code, formatCodedMessage(decoded.code, decoded.message))
}

export function createStudioBridge(ipc: BridgeIpc, webUtils: BridgeWebUtils): StudioBridge {
  async function invoke<M extends StudioMethod>(method: M, params: StudioParams<M>): Promise<StudioResult<M>> {
    try {
      return (await ipc.invoke(`${IPC_INVOKE_PREFIX}${method}`, params ?? {})) as StudioResult<M>
    } catch (error) {
      throw bridgeError(error)
    }
  }

  function pathOfDroppedFile(file: File, caller: string): string {
    let path: string
    try {
      path = webUtils.getPathForFile(file)
    } catch {
      throw new StudioError('invalid_request', `${caller} expects a File from a drop or a file input`)
    }
    if (!path) {
      const name = typeof file?.name === 'string' && file.name ? `"${file.name}"` : 'The dropped item'
      throw new StudioError('invalid_request', `${name} is not a file on disk (it was made in the page or dragged from another app's memory); drop it from a file manager instead`)
    }
    return path
  }

  const calls = Object.fromEntries(STUDIO_METHODS.map((method) => [method, (params: never) => invoke(method, params)])) as unknown as StudioCalls

  return Object.freeze({
    ...calls,
    inspectDroppedFile: async (file: File) => {
      let path: string
      try {
        path = pathOfDroppedFile(file, 'inspectDroppedFile')
      } catch (error) {
        throw bridgeError(error)
      }
      return invoke('inspectPath', { path })
    },
    importDroppedFiles: async (files: File[]): Promise<ImportOutcome[]> => {
      if (!Array.isArray(files)) throw bridgeError(new StudioError('invalid_request', 'importDroppedFiles expects an array of Files'))
      // Files without a path fail alone; the rest go to main in one importPaths call, and the order is kept.
      const mapped = files.map((file) => {
        try {
          return { ok: true as const, path: pathOfDroppedFile(file, 'importDroppedFiles') }
        } catch (error) {
          const name = typeof file?.name === 'string' ? file.name : '(not a file)'
          return { ok: false as const, outcome: { ok: false as const, path: name, error: serializeError(error) } }
        }
      })
      const paths = mapped.flatMap((m) => (m.ok ? [m.path] : []))
      const imported = paths.length > 0 ? await invoke('importPaths', { paths }) : []
      let next = 0
      return mapped.map((m) => (m.ok ? imported[next++] : m.outcome))
    },
    onEvents(listener: (events: StudioEvent[]) => void): () => void {
      if (typeof listener !== 'function') throw bridgeError(new StudioError('invalid_request', 'onEvents expects a function'))
      // the renderer gets the batch only, never the IpcRendererEvent (it holds a reference to ipcRenderer)
      const forward = (_event: IpcRendererEvent, batch: StudioEvent[]): void => listener(batch)
      ipc.on(IPC_EVENTS_CHANNEL, forward)
      return () => {
        ipc.removeListener(IPC_EVENTS_CHANNEL, forward)
      }
    },
  }) as StudioBridge
}
