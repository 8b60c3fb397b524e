/**
 * The engine survives its host only as long as the host lives (issue 16): a host process (here a bare Node script
 * that forks the engine the way src/host/node-launcher.ts does) is killed with SIGKILL while the engine is busy
 * with a request; the engine must notice the closed IPC channel and exit by itself instead of running on as an
 * orphan. The other direction (the engine dies, the host reports it and restarts it) is in engine-process.test.ts.
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { sourceEngineLauncherOptions } from '../src/host/node-launcher'

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Forks the engine, starts it on the cpu backend, sends it a long benchmark and prints the engine's pid. */
const HOST_SCRIPT = `
const { fork } = require('node:child_process')
const { entry, execArgv } = JSON.parse(process.argv[1])
const engine = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
engine.on('message', (message) => {
  if (message.kind !== 'ready') return
  engine.send({ kind: 'request', id: 1, method: 'benchmarkMatmul', params: { sizes: [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096] } })
  setTimeout(() => process.stdout.write(String(engine.pid) + '\\n'), 200) // the request is under way
})
engine.send({ kind: 'start', options: { backend: 'cpu', backendSource: 'setting', eventBatchMs: 50 } })
`

describe('the engine when its host dies', () => {
  it('exits on its own after the host is killed mid-request', async () => {
    const host = spawn(process.execPath, ['-e', HOST_SCRIPT, JSON.stringify(sourceEngineLauncherOptions())], { stdio: ['ignore', 'pipe', 'inherit'] })
    const enginePid = await new Promise<number>((resolve, reject) => {
      let text = ''
      host.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8')
        if (text.includes('\n')) resolve(Number(text.trim()))
      })
      host.on('exit', (code) => reject(new Error(`the host exited (${code}) before the engine was ready`)))
    })
    expect(isAlive(enginePid)).toBe(true)
    host.kill('SIGKILL')
    // Poll, not sleep: the machine may be busy. The bound is a hang detector, far above the usual fraction of a second.
    const deadline = Date.now() + 60_000
    while (isAlive(enginePid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const orphaned = isAlive(enginePid)
    if (orphaned) process.kill(enginePid, 'SIGKILL') // never leave it behind, whatever the verdict
    expect(orphaned, `engine ${enginePid} still runs after its host died`).toBe(false)
  }, 120_000)
})
