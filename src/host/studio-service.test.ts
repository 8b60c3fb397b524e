import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StudioError, type EngineEvent, type EngineStatusEvent, type HardwareRecord, type StudioEvent } from '../shared'
import { FakeEngine } from './testing/fake-engine'
import { until } from './testing/until'
import { DEFAULT_BENCHMARK_SIZES, StudioService } from './studio-service'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'

/** The built-in pretrained seeds (resources/seeds). */
const SEEDS = join(__dirname, '..', '..', 'resources', 'seeds')

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('StudioService', () => {
  let engine: FakeEngine
  let service: StudioService
  let batches: StudioEvent[][]
  let workspaceDir: string
  beforeEach(() => {
    engine = new FakeEngine()
    workspaceDir = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-service-')))
    service = new StudioService({ engine, host: 'serve', version: '1.2.3', features: ['export'], eventBatchMs: 100, workspaceDir, systemLocale: 'vi-VN', maxUploadBytes: 1000 })
    batches = []
    service.onEvents((events) => batches.push(events))
  })
  afterEach(() => {
    service.dispose()
    rmSync(workspaceDir, { recursive: true, force: true })
  })

  it('answers getAppInfo and getHardware', async () => {
    expect(await service.invoke('getAppInfo', {})).toEqual({
      name: 'LiGO Studio',
      version: '1.2.3',
      host: 'serve',
      features: ['export'],
      workspace: workspaceDir,
      systemLocale: 'vi-VN',
      maxUploadBytes: 1000,
    })
    expect(await service.invoke('getAppInfo', undefined)).toMatchObject({ host: 'serve' })
    expect(await service.invoke('getHardware', {})).toBe(engine.hardware)
  })

  describe('refuses malformed requests with a message that names the problem', () => {
    const cases: Array<[string, string, unknown, string, string]> = [
      ['unknown method', 'deleteEverything', {}, 'unknown_method', 'Unknown method "deleteEverything". Expected one of: getAppInfo'],
      ['extra field', 'getAppInfo', { admin: true }, 'invalid_request', 'getAppInfo params has unknown field "admin"'],
      ['params not an object', 'inspectPath', 'x', 'invalid_request', 'inspectPath params must be an object, got a string'],
      ['wrong type', 'inspectPath', { path: 42 }, 'invalid_request', 'inspectPath params.path must be a string, got number'],
      ['too-long string', 'inspectPath', { path: `/${'a'.repeat(5000)}` }, 'invalid_request', 'inspectPath params.path must be at most 4096 characters'],
      ['bad task id', 'benchmarkMatmul', { taskId: '../x' }, 'invalid_request', 'benchmarkMatmul params.taskId must match'],
      ['size out of range', 'benchmarkMatmul', { taskId: 't', sizes: [8] }, 'invalid_request', 'params.sizes[0] must be between 16 and 4096'],
      ['not base64', 'inspectUpload', { name: 'a', sizeBytes: 1, headBase64: '***' }, 'invalid_request', 'params.headBase64 must match'],
      ['negative size', 'inspectUpload', { name: 'a', sizeBytes: -1, headBase64: '' }, 'invalid_request', 'params.sizeBytes must be between 0'],
    ]
    for (const [label, method, params, code, message] of cases) {
      it(label, async () => {
        const error = await rejection(service.invoke(method, params))
        expect(error.code).toBe(code)
        expect(error.message).toContain(message)
        expect(engine.calls).toHaveLength(0)
      })
    }
  })

  it('re-tags benchmark events with the caller task id and sends them before the response', async () => {
    const result = service.invoke('benchmarkMatmul', { taskId: 'bench-1' })
    await tick()
    const [call] = engine.calls
    expect(call.params).toEqual({ sizes: [...DEFAULT_BENCHMARK_SIZES] })
    const progress: EngineEvent = { type: 'task.progress', taskId: '17', done: 1, total: 3, unit: 'sizes', elapsedSeconds: 0.1, etaSeconds: 0.2, message: '128' }
    call.options?.onEvent?.(progress)
    call.options?.onEvent?.({ type: 'task.log', taskId: null, level: 'info', message: 'warm-up done' })
    call.finish({ backend: 'cpu', rows: [] })
    expect(await result).toEqual({ backend: 'cpu', rows: [] })
    // flushed before the response resolved, in one batch, both tagged bench-1
    expect(batches).toEqual([[{ ...progress, taskId: 'bench-1' }, { type: 'task.log', taskId: 'bench-1', level: 'info', message: 'warm-up done' }]])
  })

  it('passes explicit sizes through', async () => {
    void service.invoke('benchmarkMatmul', { taskId: 'b', sizes: [64, 32] })
    await tick()
    expect(engine.calls[0].params).toEqual({ sizes: [64, 32] })
    engine.calls[0].finish({ backend: 'cpu', rows: [] })
  })

  it('cancels a running task, refuses a second task with a live id, and reports unknown ids', async () => {
    const running = service.invoke('benchmarkMatmul', { taskId: 'job' })
    await tick()
    const duplicate = await rejection(service.invoke('benchmarkMatmul', { taskId: 'job' }))
    expect(duplicate.code).toBe('invalid_request')
    expect(duplicate.message).toBe('Task "job" is already running; cancel it or use another task id.')
    expect(await service.invoke('cancelTask', { taskId: 'job' })).toEqual({ cancelled: true })
    expect(engine.calls[0].options?.signal?.aborted).toBe(true)
    expect((await rejection(running)).code).toBe('cancelled')
    expect(await service.invoke('cancelTask', { taskId: 'job' })).toEqual({ cancelled: false })
    expect(await service.invoke('cancelTask', { taskId: 'never-started' })).toEqual({ cancelled: false })
    // the id is free again once the task has ended
    void service.invoke('benchmarkMatmul', { taskId: 'job' })
    await tick()
    expect(engine.calls).toHaveLength(2)
    engine.calls[1].finish({ backend: 'cpu', rows: [] })
  })

  it('batches events: at most one batch per interval, engine status included', async () => {
    // Fake timers (and Date): the interval is checked exactly, without depending on how busy the machine is.
    vi.useFakeTimers()
    try {
      const status = (s: EngineStatusEvent['status']): EngineStatusEvent => ({ type: 'engine.status', status: s, detail: null })
      for (const listener of engine.statusListeners) listener(status('starting'))
      await vi.advanceTimersByTimeAsync(0)
      expect(batches).toEqual([[status('starting')]])
      for (const listener of engine.statusListeners) listener(status('ready'))
      for (const listener of engine.statusListeners) listener(status('crashed'))
      // both later events wait out the rest of the 100 ms interval together
      await vi.advanceTimersByTimeAsync(99)
      expect(batches).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1)
      expect(batches).toEqual([[status('starting')], [status('ready'), status('crashed')]])
    } finally {
      vi.useRealTimers()
    }
  })

  describe('files', () => {
    let root: string
    beforeEach(() => {
      root = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-service-')))
      writeFileSync(join(root, 'rows.jsonl'), '{"a":1}\n{"a":2}\n')
    })
    afterEach(() => rmSync(root, { recursive: true, force: true }))

    it('inspectPath checks and sniffs a path inside the workspace; a relative, missing or outside one is refused', async () => {
      // Behind ligo serve a report (kind, size, content summary) would tell about any file: only the workspace's.
      expect((await rejection(service.invoke('inspectPath', { path: join(root, 'rows.jsonl') }))).code).toBe('forbidden')
      cpSync(join(root, 'rows.jsonl'), join(workspaceDir, 'rows.jsonl'))
      expect(await service.invoke('inspectPath', { path: join(workspaceDir, 'rows.jsonl') })).toEqual({
        path: join(workspaceDir, 'rows.jsonl'),
        name: 'rows.jsonl',
        isDirectory: false,
        sizeBytes: 16,
        kind: 'jsonl',
        detail: 'JSON lines, 2 records',
        source: 'path',
      })
      expect((await rejection(service.invoke('inspectPath', { path: 'rows.jsonl' }))).code).toBe('invalid_request')
      expect((await rejection(service.invoke('inspectPath', { path: join(workspaceDir, 'gone') }))).code).toBe('not_found')
    })

    it('inspectUpload sniffs the uploaded head by name and size', async () => {
      const head = Buffer.from('{"model_type": "vit", "architectures": ["ViTModel"]}')
      expect(await service.invoke('inspectUpload', { name: 'config.json', sizeBytes: head.length, headBase64: head.toString('base64') })).toEqual({
        path: 'config.json',
        name: 'config.json',
        isDirectory: false,
        sizeBytes: head.length,
        kind: 'hf-config',
        detail: 'HuggingFace config: vit (ViTModel)',
        source: 'upload',
      })
      const tooLong = await rejection(service.invoke('inspectUpload', { name: 'a.txt', sizeBytes: 2, headBase64: Buffer.from('abc').toString('base64') }))
      expect(tooLong.message).toContain('holds 3 bytes but sizeBytes is 2')
      expect((await rejection(service.invoke('inspectUpload', { name: '../etc/passwd', sizeBytes: 1, headBase64: '' }))).message).toContain('bare file name')
    })

    it('openPath emits app.opened, or app.error naming the path', async () => {
      await service.openPath(join(root, 'rows.jsonl'))
      await service.openPath(join(root, 'missing.bin'))
      await until(() => batches.flat().length === 2)
      const events = batches.flat()
      expect(events[0]).toMatchObject({ type: 'app.opened', report: { kind: 'jsonl', path: join(root, 'rows.jsonl') } })
      expect(events[1]).toEqual({ type: 'app.error', message: `No such file or folder: ${join(root, 'missing.bin')}` })
    })

    it('openPath imports a checkpoint into the library (File > Open, "open with"), by reference', async () => {
      const folder = join(root, 'gpt2-seed')
      cpSync(join(SEEDS, 'gpt2-moby'), folder, { recursive: true })
      await service.openPath(folder)
      await until(() => batches.flat().some((e) => e.type === 'library.changed'))
      expect(batches.flat()[0]).toMatchObject({ type: 'app.opened', report: { kind: 'hf-checkpoint-folder', path: folder } })
      const cards = (await service.invoke('listModels', { query: { sources: ['imported'] } })) as Array<{ family: string; source: { kind: string; path: string } }>
      expect(cards).toHaveLength(1)
      expect(cards[0]).toMatchObject({ family: 'gpt2', source: { kind: 'imported', path: folder } })
      // A truncated checkpoint: shown, then the parser's error naming it, and nothing added.
      const weights = readFileSync(join(folder, 'model.safetensors'))
      writeFileSync(join(root, 'bad.safetensors'), weights.subarray(0, weights.length >> 1))
      await service.openPath(join(root, 'bad.safetensors'))
      await until(() => batches.flat().some((e) => e.type === 'app.error'))
      expect(batches.flat().find((e) => e.type === 'app.error')).toMatchObject({ message: expect.stringContaining('bad.safetensors') })
      expect((await service.invoke('listModels', { query: { sources: ['imported'] } })) as unknown[]).toHaveLength(1)
    })
  })

  it('after dispose: tasks aborted, no more events or requests', async () => {
    const running = service.invoke('benchmarkMatmul', { taskId: 'late' })
    await tick()
    service.dispose()
    expect((await rejection(running)).code).toBe('cancelled')
    for (const listener of engine.statusListeners) listener({ type: 'engine.status', status: 'ready', detail: null })
    expect(engine.statusListeners.size).toBe(0)
    expect((await rejection(service.invoke('getAppInfo', {}))).code).toBe('unsupported')
  })
})
