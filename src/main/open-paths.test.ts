// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PathOpenQueue, filePathsFromArgv, listenForOpenFile } from './open-paths'
import { claimSingleInstance } from './single-instance'
import { createFakeElectron, asElectron, fakeEvent } from './test-utils/fake-electron'

let dir: string
let model: string
let folder: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ligo-open-paths-'))
  model = join(dir, 'model.safetensors')
  folder = join(dir, 'images')
  writeFileSync(model, 'x')
  mkdirSync(folder)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('filePathsFromArgv', () => {
  it('keeps only existing paths, skipping the executable, flags and missing files', () => {
    const argv = ['/opt/LiGO Studio/ligo-studio', '--allow-file-access-from-files', model, join(dir, 'missing.bin'), '--flag=value', folder]
    expect(filePathsFromArgv(argv, { workingDirectory: '/', defaultApp: false })).toEqual([model, folder])
  })

  it('skips the app path of an unpackaged run (electron .) and resolves relative paths against the working directory', () => {
    const argv = ['/usr/bin/electron', '--inspect', '.', 'model.safetensors', 'images', 'model.safetensors']
    expect(filePathsFromArgv(argv, { workingDirectory: dir, defaultApp: true, appPath: dir })).toEqual([model, folder])
  })

  it('never opens the app folder itself; after -- a dash-name is a path', () => {
    const dashed = join(dir, '-weird')
    writeFileSync(dashed, 'x')
    const argv = ['/opt/ligo', dir, '--', '-weird']
    expect(filePathsFromArgv(argv, { workingDirectory: dir, defaultApp: false, appPath: dir })).toEqual([dashed])
  })
})

describe('PathOpenQueue', () => {
  it('holds paths until ready, then opens them in order; later requests open at once', async () => {
    const opened: string[] = []
    const queue = new PathOpenQueue(async (path) => {
      opened.push(path)
    })
    queue.request(['/a'])
    queue.request(['/b'])
    expect(opened).toEqual([])
    expect(queue.pendingPaths).toEqual(['/a', '/b'])
    queue.markReady()
    queue.request(['/c'])
    expect(opened).toEqual(['/a', '/b', '/c'])
    queue.markReady()
    expect(opened).toEqual(['/a', '/b', '/c'])
  })
})

describe('listenForOpenFile', () => {
  it('takes over macOS open-file and queues the path', () => {
    const electron = createFakeElectron()
    const queue = new PathOpenQueue(async () => {})
    listenForOpenFile(asElectron(electron.app), queue)
    const event = fakeEvent()
    electron.app.emit('open-file', event, model)
    expect(event.defaultPrevented).toBe(true)
    expect(queue.pendingPaths).toEqual([model])
  })
})

describe('claimSingleInstance', () => {
  it('quits when another instance holds the lock', () => {
    const electron = createFakeElectron({ singleInstanceLock: false })
    const launches: unknown[] = []
    expect(claimSingleInstance(asElectron(electron.app), (...args) => launches.push(args))).toBe(false)
    expect(electron.app.quitCalls).toBe(1)
    expect(electron.app.listenerCount('second-instance')).toBe(0)
  })

  it('passes a second launch argv and working directory on', () => {
    const electron = createFakeElectron()
    const launches: unknown[] = []
    expect(claimSingleInstance(asElectron(electron.app), (...args) => launches.push(args))).toBe(true)
    electron.app.emit('second-instance', fakeEvent(), ['/opt/ligo', model], dir, {})
    expect(launches).toEqual([[['/opt/ligo', model], dir]])
    expect(electron.app.quitCalls).toBe(0)
  })
})
