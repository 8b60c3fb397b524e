/**
 * Ends the engine when the process that started it is gone (issue 16). The IPC channel's 'disconnect' event already
 * stops an idle engine, but an engine busy in a long synchronous computation (a training step, a large matmul on
 * the cpu backend) only sees that event when the computation yields, which can be minutes; it would run on as an
 * orphan, holding cores and memory. A worker thread does not wait for the main thread: it checks the parent once
 * per interval and, when the parent has died (this process was re-parented, or the pid no longer exists), kills
 * this process. Run folders are written atomically, so being killed mid-step loses only the unsaved steps.
 * Only for Node hosts: an Electron utilityProcess is ended by Electron together with its parent.
 */
import { Worker } from 'node:worker_threads'

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads')
const { parent, intervalMs } = workerData
setInterval(() => {
  let gone = process.ppid !== parent
  if (!gone) {
    try { process.kill(parent, 0) } catch (error) { gone = error.code === 'ESRCH' }
  }
  if (gone) process.kill(process.pid, 'SIGKILL')
}, intervalMs)
`

/** Starts the watchdog for the current parent; it never keeps the process alive by itself. */
export function watchParentProcess(options: { intervalMs?: number; parent?: number } = {}): { stop(): Promise<number> } {
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { parent: options.parent ?? process.ppid, intervalMs: options.intervalMs ?? 1000 } })
  worker.unref()
  return { stop: () => worker.terminate() }
}
