/**
 * A system notification when a long run finishes, so the user can leave the app while it trains. Off by default:
 * the first time a long run finishes the app asks once whether to notify from now on, and keeps the answer in
 * `<userData>/notifications.json` ({"runFinished": "on" | "off"}; missing or damaged means "not asked yet").
 */
import { join } from 'node:path'
import { formatDuration, type MainMessages } from './i18n/messages'
import { StateFileWriter, invalidState, isRecord, readStateFile, type StateRead } from './state-file'
import type { FinishedTask } from './task-progress'

export const NOTIFICATIONS_FILE = 'notifications.json'
/** Shorter runs finish while the user is still watching: no notification, and no question either. */
export const LONG_RUN_SECONDS = 60

export type RunNotificationChoice = 'ask' | 'on' | 'off'

export function parseNotificationChoice(value: unknown): RunNotificationChoice {
  if (!isRecord(value) || (value.runFinished !== 'on' && value.runFinished !== 'off')) invalidState('expected {"runFinished": "on" | "off"}')
  return value.runFinished
}

export function readNotificationChoice(userDataDir: string, readText?: (path: string) => string): StateRead<RunNotificationChoice> {
  return readStateFile(join(userDataDir, NOTIFICATIONS_FILE), parseNotificationChoice, readText)
}

export function notificationChoiceWriter(userDataDir: string, log: Pick<Console, 'warn'>): StateFileWriter {
  return new StateFileWriter(join(userDataDir, NOTIFICATIONS_FILE), log)
}

export interface RunNotifierDeps {
  choice: RunNotificationChoice
  writer: Pick<StateFileWriter, 'save'>
  /** Asks "notify when long runs finish?"; resolves true for yes. */
  ask(task: FinishedTask): Promise<boolean>
  /** Shows a system notification (when the platform supports them). */
  notify(title: string, body: string): void
  /** The user is looking at the app: the finished run is visible, a notification would only interrupt. */
  isAppFocused(): boolean
  /** The notification's words in the current language (read at each use: the language can change). */
  text(): MainMessages['notifications']
}

export class RunFinishedNotifier {
  private choice: RunNotificationChoice
  private asking: Promise<boolean> | null = null

  constructor(private readonly deps: RunNotifierDeps) {
    this.choice = deps.choice
  }

  get currentChoice(): RunNotificationChoice {
    return this.choice
  }

  async finished(task: FinishedTask): Promise<void> {
    if (task.elapsedSeconds < LONG_RUN_SECONDS || this.choice === 'off') return
    if (this.choice === 'ask') {
      // two runs finishing together share one question; whoever answers has seen the run finish, so the question
      // itself is the notice this time
      this.asking ??= this.askOnce(task)
      await this.asking
      return
    }
    if (this.deps.isAppFocused()) return
    const text = this.deps.text()
    if (task.outcome === 'failed') this.deps.notify(text.runFailed, text.runFailedBody(task.message, task.error ?? ''))
    else this.deps.notify(text.runFinished, text.runFinishedBody(task.message, formatDuration(task.elapsedSeconds, text)))
  }

  private async askOnce(task: FinishedTask): Promise<boolean> {
    let yes: boolean
    try {
      yes = await this.deps.ask(task)
    } catch {
      // no answer (the dialog failed): ask again next time rather than decide for the user
      this.asking = null
      return false
    }
    this.choice = yes ? 'on' : 'off'
    this.deps.writer.save({ runFinished: this.choice })
    return yes
  }
}
