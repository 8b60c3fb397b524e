/**
 * IPC handlers: one ipcMain.handle per Studio method (channel "studio:<method>"), each checking the sender
 * before anything else, and the event channel that pushes StudioService event batches to the main window.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron'
import { StudioError } from '../shared/errors'
import type { StudioEvent } from '../shared/events'
import { encodeIpcError } from '../shared/ipc-error'
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_PREFIX, STUDIO_METHODS } from '../shared/studio-api'
import { isPlainObject } from '../shared/validate'

/** The part of StudioService the IPC layer needs. */
export interface StudioInvoker {
  invoke(method: string, params: unknown): Promise<unknown>
}
export interface StudioEventSource {
  onEvents(listener: (events: StudioEvent[]) => void): () => void
}

export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean

/**
 * Only the main window's top frame, showing the app's own page, may call: not an iframe, not another
 * window, not a page that somehow navigated elsewhere.
 */
export function createSenderCheck(getWindow: () => BrowserWindow | null, isAppUrl: (url: string) => boolean): SenderCheck {
  return (event) => {
    const window = getWindow()
    if (!window || window.isDestroyed()) return false
    const frame = event.senderFrame
    if (!frame || event.sender !== window.webContents || frame !== window.webContents.mainFrame) return false
    return isAppUrl(frame.url)
  }
}

function describeSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string {
  const url = event.senderFrame?.url
  return url ? `a frame at ${url.slice(0, 120)}` : 'a frame that no longer exists'
}

/** Registers the handlers; returns a function that removes them (used on quit and in tests). */
export function registerStudioIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  service: StudioInvoker,
  isTrustedSender: SenderCheck,
): () => void {
  const channels = STUDIO_METHODS.map((method) => {
    const channel = `${IPC_INVOKE_PREFIX}${method}`
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      try {
        if (!isTrustedSender(event)) throw new StudioError('forbidden', `${method} refused: the request came from ${describeSender(event)}, not the Studio window`)
        if (args.length > 1) throw new StudioError('invalid_request', `Invalid request: ${method} takes one params object, got ${args.length} arguments`)
        const params = args[0]
        // StudioService validates fields; refuse anything that is not a plain object before it gets there
        if (params !== undefined && !isPlainObject(params)) {
          const got = params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params
          throw new StudioError('invalid_request', `Invalid request: ${method} params must be an object, got ${got}`)
        }
        return await service.invoke(method, params)
      } catch (error) {
        // Electron keeps only the message of a rejected handler: carry the code in it
        throw encodeIpcError(error)
      }
    })
    return channel
  })
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel))
}

/** Sends each event batch to the main window only (never broadcast); dropped while no window is alive. */
export function forwardStudioEvents(source: StudioEventSource, getWindow: () => BrowserWindow | null): () => void {
  return source.onEvents((events) => {
    const window = getWindow()
    if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return
    window.webContents.send(IPC_EVENTS_CHANNEL, events)
  })
}
