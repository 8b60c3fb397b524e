/**
 * The renderer's single way out: pick the client for this host once at start (installStudioClient in
 * main.ts), then stores reach it through useStudioClient(). Tests install a fake the same way.
 */
import { createBridgeClient, findBridge } from './bridge-client'
import { takeTokenFromAddress, webSocketUrl } from './serve-address'
import type { StudioClient } from './studio-client'
import { createWebSocketClient } from './websocket-client'

export * from './studio-client'

let installed: StudioClient | null = null

export function installStudioClient(client: StudioClient | null): void {
  installed = client
}

export function useStudioClient(): StudioClient {
  if (!installed) throw new Error('No StudioClient installed: main.ts (or the test) must call installStudioClient() before stores are used.')
  return installed
}

/** Desktop when the preload exposed window.studio, otherwise the browser page of `ligo serve`. */
export function createClientForPage(page: Window): StudioClient {
  const bridge = findBridge(page)
  if (bridge) return createBridgeClient(bridge)
  const token = takeTokenFromAddress(page.location, page.history)
  return createWebSocketClient({ url: webSocketUrl(page.location, token) })
}
