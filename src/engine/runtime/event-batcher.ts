/**
 * Collects engine events and sends them in batches: at most one `events` message per interval, so a fast
 * training loop cannot flood IPC and the UI. flush() sends what is queued right away (the server calls it
 * before each response, so no event of a request ever arrives after that request's response).
 */
import type { EngineEvent, EngineToHost } from '../../shared'

export interface EventBatcher {
  push(requestId: number, event: EngineEvent): void
  flush(): void
  /** Stops the timer; queued events are dropped. */
  close(): void
}

export function createEventBatcher(
  intervalMs: number,
  send: (message: Extract<EngineToHost, { kind: 'events' }>) => void,
  now: () => number = () => performance.now(),
): EventBatcher {
  let queue: Array<{ requestId: number; event: EngineEvent }> = []
  let timer: NodeJS.Timeout | null = null
  let lastSentAt = -Infinity

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (queue.length === 0) return
    const events = queue
    queue = []
    lastSentAt = now()
    send({ kind: 'events', events })
  }

  return {
    push(requestId, event) {
      queue.push({ requestId, event })
      if (timer) return
      // First event after a quiet spell goes out on the next tick; later ones wait for the interval to pass.
      const wait = Math.max(0, lastSentAt + intervalMs - now())
      timer = setTimeout(flush, wait)
    },
    flush,
    close() {
      if (timer) clearTimeout(timer)
      timer = null
      queue = []
    },
  }
}
