/**
 * The type of `window.studio`, the one object the preload exposes (desktop only). The renderer's client
 * is typed against it; `ligo serve` provides the same StudioBridgeBase over WebSocket.
 */
import type { DroppedItemReport } from '../shared/dropped'
import type { ImportOutcome } from '../shared/models'
import type { StudioBridgeBase } from '../shared/studio-api'

export interface StudioBridge extends StudioBridgeBase {
  /**
   * Inspect a file or folder dropped on the window: the preload maps the DOM File to its path on disk
   * (webUtils.getPathForFile) and main sniffs it. Rejects with code 'invalid_request' for a File that is
   * not backed by a file on disk (built in the page, or dragged from another app's memory).
   */
  inspectDroppedFile(file: File): Promise<DroppedItemReport>
  /**
   * Import dropped or picked files and folders by reference (importPaths). A File without a path on disk gets
   * its own failed outcome; the others are imported.
   */
  importDroppedFiles(files: File[]): Promise<ImportOutcome[]>
}

declare global {
  interface Window {
    /** Frozen; functions only. Errors reject with an Error whose message reads "[code] message" (see decodeIpcError). */
    readonly studio: StudioBridge
  }
}
