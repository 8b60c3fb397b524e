/**
 * An EngineHost for host tests: records calls and lets the test decide when each one finishes; aborts reject
 * as the real one does. `hardware` answers at once.
 */
import { StudioError, type EngineStatusEvent, type HardwareRecord } from '../../shared'
import type { EngineCallOptions, EngineHost } from '../engine-types'

export interface Call {
  method: string
  params: unknown
  options?: EngineCallOptions
  finish: (result: unknown) => void
  fail: (error: Error) => void
}

/** An EngineHost that records calls; the test decides when each one finishes. Aborts reject as the real one does. */
export class FakeEngine implements EngineHost {
  calls: Call[] = []
  statusListeners = new Set<(e: EngineStatusEvent) => void>()
  hardware = { backend: 'cpu' } as HardwareRecord

  call(method: string, params: unknown, options?: EngineCallOptions): Promise<never> {
    if (method === 'hardware') return Promise.resolve(this.hardware as never)
    return new Promise((resolve, reject) => {
      this.calls.push({ method, params, options, finish: resolve as (r: unknown) => void, fail: reject })
      options?.signal?.addEventListener('abort', () => reject(new StudioError('cancelled', `${method} was cancelled`)))
    })
  }
  onStatus(listener: (e: EngineStatusEvent) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }
  async stop(): Promise<void> {}
}

