import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EngineEvent, EngineToHost } from '../../shared'
import { createEventBatcher } from './event-batcher'

const log = (message: string): EngineEvent => ({ type: 'task.log', taskId: '1', level: 'info', message })

describe('createEventBatcher', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('sends at most one batch per interval, in order, each event tagged with its request id', () => {
    const sent: Array<Extract<EngineToHost, { kind: 'events' }>> = []
    const batcher = createEventBatcher(100, (m) => sent.push(m), () => Date.now())
    batcher.push(1, log('a'))
    batcher.push(2, log('b'))
    expect(sent).toHaveLength(0) // nothing synchronously
    vi.advanceTimersByTime(0)
    expect(sent).toHaveLength(1)
    expect(sent[0].events.map((e) => [e.requestId, (e.event as { message: string }).message])).toEqual([[1, 'a'], [2, 'b']])

    // 10 events spread over 90 ms, right after a batch went out: all wait for the interval to pass
    for (let i = 0; i < 10; i++) {
      batcher.push(1, log(`x${i}`))
      vi.advanceTimersByTime(9)
    }
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(10) // 100 ms after the first batch
    expect(sent).toHaveLength(2)
    expect(sent[1].events).toHaveLength(10)
  })

  it('flush() sends queued events at once and only when there are some', () => {
    const sent: unknown[] = []
    const batcher = createEventBatcher(1000, (m) => sent.push(m), () => Date.now())
    batcher.flush()
    expect(sent).toHaveLength(0)
    batcher.push(7, log('now'))
    batcher.flush()
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(5000)
    expect(sent).toHaveLength(1) // the timer was cleared, no empty batch
  })

  it('close() drops queued events and stops the timer', () => {
    const sent: unknown[] = []
    const batcher = createEventBatcher(50, (m) => sent.push(m), () => Date.now())
    batcher.push(1, log('dropped'))
    batcher.close()
    vi.advanceTimersByTime(1000)
    expect(sent).toHaveLength(0)
  })
})
