/**
 * The engine's method table: name -> params validator and handler. Later issues add train, grow, compare,
 * export...; the table's type makes a method listed in EngineMethods (src/shared/engine-protocol.ts) but
 * missing here a compile error.
 */
import { array, isPlainObject, number, object, string, StudioError, type EngineMethod, type EngineParams, type EngineResult, type HardwareRecord, type Validator } from '../../shared'
import type { Tf } from '../backend'
import { benchmarkMatmul } from '../tasks/benchmark-matmul'
import { checkpointForward } from '../tasks/checkpoint-tasks'
import { trainParamsValidator, trainTask } from '../tasks/train'
import { compareParamsValidator, compareTask, growParamsValidator, growTask } from '../tasks/growth-tasks'
import { collectEnergyFacts } from '../metrics/energy/hardware-facts'
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

/** Training's matrix products go through the native addon when it serves BatchMatMul; the speed test times the same path. */
export function matmulPath(hardware: HardwareRecord): 'native' | 'backend' {
  return hardware.nativeKernels?.active && hardware.nativeKernels.kernels.includes('BatchMatMul') ? 'native' : 'backend'
}

export const ENGINE_METHODS: EngineMethodTable = {
  hardware: {
    params: noParams,
    // Energy sources are probed on every call: granting RAPL access takes effect without restarting the engine.
    run: async (_params, _request, engine) => ({ ...engine.hardware, ...(await collectEnergyFacts({ env: process.env })) }),
  },
  ping: {
    params: noParams,
    run: () => ({ pid: process.pid }),
  },
  benchmarkMatmul: {
    params: object({ sizes: matmulSizes }),
    run: (params, request, engine) =>
      benchmarkMatmul(engine.tf, { sizes: params.sizes, path: matmulPath(engine.hardware), taskId: request.taskId, signal: request.signal, emit: request.emit }),
  },
  checkpointForward: {
    params: object({
      checkpoint: string({ minLength: 1 }),
      // Checked against the model's config (vocabulary, image size) by the task itself.
      input: (value, where) => {
        if (!isPlainObject(value)) throw new StudioError('invalid_request', `Invalid request: ${where} must be an object`)
        return value
      },
    }),
    run: (params, _request, engine) => checkpointForward(engine.tf, params.checkpoint, params.input),
  },
  train: {
    params: trainParamsValidator,
    run: (params, request, engine) => trainTask(engine.tf, engine.hardware, params, request),
  },
  grow: {
    params: growParamsValidator,
    run: (params, request, engine) => growTask(engine.tf, params, request),
  },
  compare: {
    params: compareParamsValidator,
    run: (params, request, engine) => compareTask(engine.tf, engine.hardware, params, request),
  },
}
