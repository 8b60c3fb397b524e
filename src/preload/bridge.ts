/**
 * Builds the `window.studio` object: task-named functions over IPC, no raw ipcRenderer.
 * Runs in the sandboxed preload, so it may import only 'electron' (types here) and src/shared.
 */
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron'
import { StudioError } from '../shared/errors'
import type { StudioEvent } from '../shared/events'
import { decodeIpcError, formatCodedMessage } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_PREFIX, type StudioMethod, type StudioParams, type StudioResult } from '../shared/studio-api'
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
      return (await ipc.invoke(`${IPC_INVOKE_PREFIX}${method}`, params)) as StudioResult<M>
    } catch (error) {
      throw bridgeError(error)
    }
  }

  function pathOfDroppedFile(file: File): string {
    let path: string
    try {
      path = webUtils.getPathForFile(file)
    } catch {
      throw bridgeError(new StudioError('invalid_request', 'inspectDroppedFile expects a File from a drop or a file input'))
    }
    if (!path) {
      const name = typeof file?.name === 'string' && file.name ? `"${file.name}"` : 'The dropped item'
      throw bridgeError(
        new StudioError('invalid_request', `${name} is not a file on disk (it was made in the page or dragged from another app's memory); drop it from a file manager instead`),
      )
    }
    return path
  }

  return Object.freeze({
    getAppInfo: () => invoke('getAppInfo', {}),
    getHardware: () => invoke('getHardware', {}),
    benchmarkMatmul: (params: StudioParams<'benchmarkMatmul'>) => invoke('benchmarkMatmul', params),
    cancelTask: (taskId: string) => invoke('cancelTask', { taskId }),
    inspectDroppedFile: async (file: File) => invoke('inspectPath', { path: pathOfDroppedFile(file) }),
    onEvents(listener: (events: StudioEvent[]) => void): () => void {
      if (typeof listener !== 'function') throw bridgeError(new StudioError('invalid_request', 'onEvents expects a function'))
      // the renderer gets the batch only, never the IpcRendererEvent (it holds a reference to ipcRenderer)
      const forward = (_event: IpcRendererEvent, batch: StudioEvent[]): void => listener(batch)
      ipc.on(IPC_EVENTS_CHANNEL, forward)
      return () => {
        ipc.removeListener(IPC_EVENTS_CHANNEL, forward)
      }
    },
  })
}
