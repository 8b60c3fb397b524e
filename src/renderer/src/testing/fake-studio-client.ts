/**
 * A StudioClient for tests: every call is recorded and answered by a deferred the test settles,
 * events and connection changes are pushed by the test. Not imported by app code.
 */
import type { DroppedItemReport } from '../../../shared/dropped'
import type { StudioEvent } from '../../../shared/events'
import type { HardwareRecord } from '../../../shared/hardware'
import type { AppInfo, MatmulBenchmarkResult } from '../../../shared/studio-api'
import { CONNECTED, StudioClientError, type ConnectionState, type HostMode, type InspectOptions, type StudioClient } from '../composables/client'

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: Error) => void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

export interface FakeCall<T> extends Deferred<T> {
  args: unknown[]
}

export class FakeStudioClient implements StudioClient {
  readonly calls = {
    getAppInfo: [] as FakeCall<AppInfo>[],
    getHardware: [] as FakeCall<HardwareRecord>[],
    benchmarkMatmul: [] as FakeCall<MatmulBenchmarkResult>[],
    cancelTask: [] as FakeCall<{ cancelled: boolean }>[],
    inspectDroppedFile: [] as FakeCall<DroppedItemReport>[],
  }
  private eventListeners = new Set<(events: StudioEvent[]) => void>()
  private connectionListeners = new Set<(state: ConnectionState) => void>()
  private state: ConnectionState = CONNECTED

  constructor(readonly mode: HostMode = 'browser') {}

  private record<T>(calls: FakeCall<T>[], args: unknown[]): Promise<T> {
    const call: FakeCall<T> = { ...deferred<T>(), args }
    calls.push(call)
    return call.promise
  }

  getAppInfo = () => this.record(this.calls.getAppInfo, [])
  getHardware = () => this.record(this.calls.getHardware, [])
  benchmarkMatmul = (params: { taskId: string; sizes?: number[] }) => this.record(this.calls.benchmarkMatmul, [params])
  cancelTask = (taskId: string) => this.record(this.calls.cancelTask, [taskId])
  inspectDroppedFile = (file: File, options?: InspectOptions) => this.record(this.calls.inspectDroppedFile, [file, options])

  onEvents(listener: (events: StudioEvent[]) => void) {
    this.eventListeners.add(listener)
    return () => void this.eventListeners.delete(listener)
  }
  getConnectionState = () => this.state
  onConnectionChange(listener: (state: ConnectionState) => void) {
    this.connectionListeners.add(listener)
    return () => void this.connectionListeners.delete(listener)
  }
  dispose() {}

  /** Test side: push an event batch as the host would. */
  emit(...events: StudioEvent[]): void {
    for (const listener of this.eventListeners) listener(events)
  }
  setConnection(state: ConnectionState): void {
    this.state = state
    for (const listener of this.connectionListeners) listener(state)
  }
  static error(code: string, message: string): StudioClientError {
    return new StudioClientError(code, message)
  }
}
