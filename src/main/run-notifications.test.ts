// @vitest-environment node
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { en } from './i18n/en'
import { vi } from './i18n/vi'
import { LONG_RUN_SECONDS, NOTIFICATIONS_FILE, RunFinishedNotifier, notificationChoiceWriter, readNotificationChoice, type RunNotificationChoice } from './run-notifications'
import type { FinishedTask } from './task-progress'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ligo-notify-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const run = (elapsedSeconds: number, taskId = 'cmp'): FinishedTask => ({ taskId, elapsedSeconds, message: 'step 300/300', outcome: 'completed', error: null })

function notifier(choice: RunNotificationChoice, answer: boolean | Error = true, focused = false, text = en.notifications) {
  const asked: string[] = []
  const shown: Array<{ title: string; body: string }> = []
  const writer = notificationChoiceWriter(dir, { warn: () => {} })
  const n = new RunFinishedNotifier({
    choice,
    writer,
    ask: async (task) => {
      asked.push(task.taskId)
      if (answer instanceof Error) throw answer
      return answer
    },
    notify: (title, body) => shown.push({ title, body }),
    isAppFocused: () => focused,
    text: () => text,
  })
  return { n, asked, shown, writer }
}

describe('RunFinishedNotifier', () => {
  it('is off by default: short runs never notify and never ask', async () => {
    const { n, asked, shown } = notifier('ask')
    await n.finished(run(LONG_RUN_SECONDS - 1))
    expect([asked, shown, n.currentChoice]).toEqual([[], [], 'ask'])
  })

  it('asks once, at the first long run, remembers a yes on disk and notifies for the next long runs', async () => {
    const { n, asked, shown, writer } = notifier('ask', true)
    await Promise.all([n.finished(run(600, 'a')), n.finished(run(900, 'b'))])
    expect(asked).toEqual(['a'])
    expect(shown).toEqual([])
    await writer.flush()
    expect(readNotificationChoice(dir)).toEqual({ value: 'on' })
    await n.finished(run(754, 'c'))
    expect(asked).toEqual(['a'])
    expect(shown).toEqual([{ title: 'Run finished', body: 'step 300/300. It took 13 min.' }])
  })

  it('a no is remembered too: never asked again, never notified', async () => {
    const { n, asked, shown, writer } = notifier('ask', false)
    await n.finished(run(600))
    await n.finished(run(600))
    await writer.flush()
    expect([asked.length, shown, readNotificationChoice(dir).value]).toEqual([1, [], 'off'])
  })

  it('says when a long run failed, with its reason', async () => {
    const { n, shown } = notifier('on')
    await n.finished({ ...run(900), message: 'bert-moby → bert-base', outcome: 'failed', error: 'engine crashed (exit 137)' })
    expect(shown).toEqual([{ title: 'Run failed', body: 'bert-moby → bert-base: engine crashed (exit 137)' }])
  })

  it('does not notify while the app has the focus', async () => {
    const { n, shown } = notifier('on', true, true)
    await n.finished(run(600))
    expect(shown).toEqual([])
  })

  it('asks again later when the question could not be shown', async () => {
    const { n, asked } = notifier('ask', new Error('no window'))
    await n.finished(run(600))
    await n.finished(run(600))
    expect([asked.length, n.currentChoice]).toEqual([2, 'ask'])
  })

  it('reads a missing or damaged file as "not asked yet"', () => {
    expect(readNotificationChoice(dir)).toEqual({ value: null })
    writeFileSync(join(dir, NOTIFICATIONS_FILE), '{"runFinished": "maybe"}')
    expect(readNotificationChoice(dir)).toEqual({ value: null, warning: expect.stringContaining('expected {"runFinished": "on" | "off"}') })
  })

  it("speaks the app's language", async () => {
    const { n, shown } = notifier('on', true, false, vi.notifications)
    await n.finished(run(3900))
    expect(shown).toEqual([{ title: 'Lượt chạy đã kết thúc', body: 'step 300/300. Mất 1 giờ 05 phút.' }])
  })
})
