// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { EngineToHost } from '../shared/engine-protocol'
import { ENGINE_SERVICE_NAME, createUtilityEngineLauncher } from './engine-launcher'
import { FakeUtilityProcess, asElectron, createFakeElectron } from './test-utils/fake-electron'

function launch() {
  const electron = createFakeElectron()
  const lines: string[] = []
  const log = { log: (line: string) => lines.push(`out ${line}`), error: (line: string) => lines.push(`err ${line}`) }
  const launcher = createUtilityEngineLauncher(asElectron(electron.utilityProcess), '/app/out/main/engine.js', log)
  const channel = launcher()
  const { child, modulePath, args, options } = FakeUtilityProcess.forks.at(-1)!
  return { launcher, channel, child, modulePath, args, options, lines }
}

describe('createUtilityEngineLauncher', () => {
  it('forks out/main/engine.js as a named utility process with piped output', () => {
    const { modulePath, args, options, channel } = launch()
    expect([modulePath, args, options]).toEqual(['/app/out/main/engine.js', [], { serviceName: ENGINE_SERVICE_NAME, stdio: 'pipe' }])
    expect(ENGINE_SERVICE_NAME).toBe('LiGO engine')
    expect(channel.pid).toBe(4242)
  })

  it('sends with postMessage and delivers messages from the engine', () => {
    const { channel, child } = launch()
    const received: EngineToHost[] = []
    channel.onMessage((message) => received.push(message))
    channel.send({ kind: 'request', id: 1, method: 'ping', params: {} })
    child.emit('message', { kind: 'ready', pid: 4242, backend: 'cpu' })
    expect(child.posted).toEqual([{ kind: 'request', id: 1, method: 'ping', params: {} }])
    expect(received).toEqual([{ kind: 'ready', pid: 4242, backend: 'cpu' }])
  })

  it('reports the exit code once and stops sending to or killing a dead process', () => {
    const { channel, child } = launch()
    const exits: unknown[] = []
    channel.onExit((info) => exits.push(info))
    child.emit('exit', 3)
    child.emit('exit', 3)
    expect(exits).toEqual([{ code: 3, signal: null }])
    channel.send({ kind: 'shutdown' })
    channel.kill()
    expect(child.posted).toEqual([])
    expect(child.killed).toBe(false)
  })

  it('kills a live process', () => {
    const { channel, child } = launch()
    channel.kill()
    expect(child.killed).toBe(true)
  })

  it('starts a fresh process on every launch (restart after a crash)', () => {
    const { launcher } = launch()
    launcher()
    expect(FakeUtilityProcess.forks).toHaveLength(2)
    expect(FakeUtilityProcess.forks[0].child).not.toBe(FakeUtilityProcess.forks[1].child)
  })

  it('forwards engine stdout and stderr line by line, prefixed', async () => {
    const { child, lines } = launch()
    child.stdout.write('backend: cpu\nsecond')
    child.stdout.end('\n')
    child.stderr.end('Error: out of memory\n')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(lines.sort()).toEqual(['err [engine] Error: out of memory', 'out [engine] backend: cpu', 'out [engine] second'])
  })
})
