/**
 * The engine's method table: name -> params validator and handler. Later issues add train, grow, compare,
 * export...; the table's type makes a method listed in EngineMethods (src/shared/engine-protocol.ts) but
 * missing here a compile error.
 */
import { array, number, object, type EngineMethod, type EngineParams, type EngineResult, type HardwareRecord, type Validator } from '../../shared'
import type { Tf } from '../backend'
import { benchmarkMatmul } from '../tasks/benchmark-matmul'
import type { MethodSpec } from './engine-server'

/** What every handler can use: the initialised TensorFlow.js and the record of how it was chosen. */
export interface EngineContext {
  tf: Tf
  hardware: HardwareRecord
}

export type EngineMethodTable = { [M in EngineMethod]: MethodSpec<EngineParams<M>, EngineResult<M>, EngineContext> }

const noParams = object({}) as Validator<Record<string, never>>

/** Same bounds as the Studio API's benchmarkMatmul (src/shared/studio-api.ts), required here. */
const matmulSizes = array(number({ min: 16, max: 4096, integer: true }), { minLength: 1, maxLength: 8 })

export const ENGINE_METHODS: EngineMethodTable = {
  hardware: {
    params: noParams,
    run: (_params, _request, engine) => engine.hardware,
  },
  ping: {
    params: noParams,
    run: () => ({ pid: process.pid }),
  },
  benchmarkMatmul: {
    params: object({ sizes: matmulSizes }),
    run: (params, request, engine) =>
      benchmarkMatmul(engine.tf, { sizes: params.sizes, taskId: request.taskId, signal: request.signal, emit: request.emit }),
  },
}
