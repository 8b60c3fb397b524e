/**
 * A StudioService on a fresh temporary workspace with a FakeEngine, for the handler tests. `events` collects
 * every batch; `close()` disposes the service and deletes the workspace.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StudioEvent } from '../../shared'
import { StudioService, type StudioServiceOptions } from '../studio-service'
import { FakeEngine } from './fake-engine'
import { until } from './until'

export interface StudioHarness {
  service: StudioService
  engine: FakeEngine
  workspaceDir: string
  events: StudioEvent[]
  invoke<T = unknown>(method: string, params?: unknown): Promise<T>
  /** Polls until an event matching `match` arrived (timers on a busy machine fire late: no fixed sleeps). */
  waitForEvent(match: (event: StudioEvent) => boolean, timeoutMs?: number): Promise<StudioEvent>
  close(): void
}

export function studioHarness(options: Partial<StudioServiceOptions> = {}): StudioHarness {
  const workspaceDir = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-workspace-')))
  const engine = new FakeEngine()
  const service = new StudioService({ engine, host: 'desktop', version: '0.0.0-test', eventBatchMs: 0, workspaceDir, ...options })
  const events: StudioEvent[] = []
  service.onEvents((batch) => events.push(...batch))
  return {
    service,
    engine,
    workspaceDir,
    events,
    invoke: (method, params = {}) => service.invoke(method, params) as Promise<never>,
    async waitForEvent(match, timeoutMs = 5000) {
      await until(() => events.some(match), timeoutMs)
      return events.find(match)!
    },
    close() {
      service.dispose()
      rmSync(workspaceDir, { recursive: true, force: true })
    },
  }
}
