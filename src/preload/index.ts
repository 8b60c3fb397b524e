/**
 * Preload (sandboxed, context-isolated): publishes the one frozen `window.studio` bridge. Nothing else.
 * The built out/preload/index.js must require only 'electron'; src/shared is bundled into it.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createStudioBridge } from './bridge'

contextBridge.exposeInMainWorld('studio', createStudioBridge(ipcRenderer, webUtils))
