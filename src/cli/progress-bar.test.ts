import { describe, expect, it } from 'vitest'
import { formatDuration, ProgressBar, renderBar } from './progress-bar'

describe('progress bar', () => {
  it('renders the bar, counts, detail and ETA', () => {
    expect(renderBar({ done: 5, total: 10, unit: 'steps', etaSeconds: 65, detail: 'loss 1.000' }, 80)).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}]  5/10 steps  loss 1.000  ETA 1m05s`,
    )
    expect(formatDuration(null)).toBe('--')
    expect(formatDuration(3725)).toBe('1h02m')
  })

  it('redraws in place on a terminal and prints throttled plain lines otherwise', () => {
    const tty: string[] = []
    const bar = new ProgressBar({ write: (t) => tty.push(t), isTTY: true })
    bar.update({ done: 1, total: 4, unit: 'steps', etaSeconds: 3 })
    bar.clear()
    expect(tty[0]).toMatch(/^\r\[#+\.+\] 1\/4 steps  ETA 3s\x1b\[K$/)
    expect(tty[1]).toBe('\n')

    let clock = 0
    const plain: string[] = []
    const log = new ProgressBar({ write: (t) => plain.push(t), isTTY: false, plainEverySeconds: 10, now: () => clock })
    for (let step = 1; step <= 4; step++) {
      clock += 4
      log.update({ done: step, total: 4, unit: 'steps', etaSeconds: 4 - step })
    }
    // t=4 prints; t=8 and t=12 are within 10 s of it (throttled); the last step always prints.
    expect(plain.map((l) => l.match(/(\d)\/4/)![1])).toEqual(['1', '4'])
    expect(plain.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true)
  })
})
