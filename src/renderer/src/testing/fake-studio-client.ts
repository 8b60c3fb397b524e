/**
 * A StudioClient for tests: every call is recorded and answered by a deferred the test settles,
 * events and connection changes are pushed by the test. Not imported by app code.
 */
import type { DroppedItemReport } from '../../../shared/dropped'
import type { StudioEvent } from '../../../shared/events'
import type { ImportOutcome } from '../../../shared/models'
import { STUDIO_METHODS, type StudioResult } from '../../../shared/studio-api'
import {
  CONNECTED,
  StudioClientError,
  clientMethods,
  type ClientCalls,
  type ClientMethod,
  type ConnectionState,
  type HostMode,
  type ImportFilesOptions,
  type InspectOptions,
  type StudioClient,
} from '../composables/client'

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

type FakeCalls = { [M in ClientMethod]: FakeCall<StudioResult<M>>[] } & {
  cancelTask: FakeCall<{ cancelled: boolean }>[]
  inspectDroppedFile: FakeCall<DroppedItemReport>[]
  importFiles: FakeCall<ImportOutcome[]>[]
}

// Every Studio method of the client is a recording function, assigned in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FakeStudioClient extends ClientCalls {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FakeStudioClient implements StudioClient {
  readonly calls: FakeCalls
  private eventListeners = new Set<(events: StudioEvent[]) => void>()
  private connectionListeners = new Set<(state: ConnectionState) => void>()
  private state: ConnectionState = CONNECTED

  constructor(readonly mode: HostMode = 'browser') {
    const methods = clientMethods(STUDIO_METHODS)
    this.calls = Object.fromEntries([...methods, 'cancelTask', 'inspectDroppedFile', 'importFiles'].map((m) => [m, []])) as unknown as FakeCalls
    for (const method of methods) {
      Object.assign(this, { [method]: (...args: unknown[]) => this.record(this.calls[method] as FakeCall<unknown>[], args) })
    }
  }

  private record<T>(calls: FakeCall<T>[], args: unknown[]): Promise<T> {
    const call: FakeCall<T> = { ...deferred<T>(), args }
    calls.push(call)
    return call.promise
  }

  cancelTask = (taskId: string) => this.record(this.calls.cancelTask, [taskId])
  inspectDroppedFile = (file: File, options?: InspectOptions) => this.record(this.calls.inspectDroppedFile, [file, options])
  importFiles = (files: File[], options?: ImportFilesOptions) => this.record(this.calls.importFiles, [files, options])

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
