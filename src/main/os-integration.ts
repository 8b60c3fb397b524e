/**
 * The app's place in the operating system, beyond the window itself: where the window was left (window-state.ts),
 * File > Open Recent and the OS recent documents (recent-opens.ts), the Dock/taskbar progress bar of a running
 * task (task-progress.ts) and the notification when a long run finishes (run-notifications.ts). This module reads
 * their files once at start and feeds them from the studio's events; desktop-app.ts calls it.
 */
import type * as Electron from 'electron'
import type { StudioEvent } from '../shared/events'
import { RecentOpens, readRecentOpens, recentOpensWriter } from './recent-opens'
import { formatDuration, type MainMessages } from './i18n/messages'
import { RunFinishedNotifier, notificationChoiceWriter, readNotificationChoice } from './run-notifications'
import type { StateFileWriter } from './state-file'
import { TaskProgressTracker, showTaskbarProgress, type FinishedTask } from './task-progress'
import { MAIN_WINDOW_SIZE, MAIN_WINDOW_TITLE, revealWindow } from './window'
import { fitWindowState, readWindowState, trackWindowState, windowStateWriter, type WindowState } from './window-state'

export interface OsIntegrationElectron {
  app: Pick<Electron.App, 'addRecentDocument' | 'clearRecentDocuments'>
  screen: Pick<Electron.Screen, 'getAllDisplays' | 'getPrimaryDisplay'>
  dialog: Pick<Electron.Dialog, 'showMessageBox'>
  Notification: Pick<typeof Electron.Notification, 'isSupported'> & (new (options: Electron.NotificationConstructorOptions) => Pick<Electron.Notification, 'show' | 'on'>)
}

export interface OsIntegrationOptions {
  userDataDir: string
  log: Pick<Console, 'warn'>
  getWindow(): Electron.BrowserWindow | null
  /** The recent list changed: rebuild the menu. */
  onRecentChange(): void
  /** Texts in the app's current language. */
  text(): MainMessages
}

export class OsIntegration {
  readonly recent: RecentOpens
  /** The placement read at start, then the one the last window closed with (macOS reopens from the Dock). */
  private savedPlacement: WindowState | null
  private readonly writers: StateFileWriter[]
  private readonly windowWriter: StateFileWriter
  private readonly tasks: TaskProgressTracker
  private readonly notifier: RunFinishedNotifier

  constructor(
    private readonly electron: OsIntegrationElectron,
    private readonly options: OsIntegrationOptions,
  ) {
    const { userDataDir, log } = options
    const placement = readWindowState(userDataDir)
    const recent = readRecentOpens(userDataDir)
    const choice = readNotificationChoice(userDataDir)
    for (const read of [placement, recent, choice]) if (read.warning) log.warn(read.warning)
    this.savedPlacement = placement.value

    this.windowWriter = windowStateWriter(userDataDir, log)
    const recentWriter = recentOpensWriter(userDataDir, log)
    const choiceWriter = notificationChoiceWriter(userDataDir, log)
    this.writers = [this.windowWriter, recentWriter, choiceWriter]

    this.recent = new RecentOpens(recent.value ?? [], recentWriter, electron.app, options.onRecentChange)
    this.notifier = new RunFinishedNotifier({
      choice: choice.value ?? 'ask',
      writer: choiceWriter,
      ask: (task) => this.askAboutNotifications(task),
      notify: (title, body) => this.notify(title, body),
      isAppFocused: () => Boolean(options.getWindow()?.isFocused()),
      text: () => options.text().notifications,
    })
    this.tasks = new TaskProgressTracker({
      progress: (fraction) => showTaskbarProgress(options.getWindow(), fraction),
      finished: (task) => void this.notifier.finished(task).catch((error: unknown) => log.warn(`Run notification failed: ${(error as Error).message}`)),
    })
  }

  /** Where the next window opens: the saved placement fitted to the displays connected now (call after 'ready'). */
  windowPlacement(): WindowState {
    const displays = this.electron.screen.getAllDisplays()
    const primary = this.electron.screen.getPrimaryDisplay()
    // the primary display first: fitWindowState has no other preference, but a reader of the state file might
    const areas = [primary, ...displays.filter((d) => d.id !== primary.id)].map((d) => d.workArea)
    return fitWindowState(this.savedPlacement, areas, MAIN_WINDOW_SIZE)
  }

  /** Saves the window's placement when it closes. */
  trackWindow(window: Electron.BrowserWindow): void {
    trackWindowState(window, (state) => {
      this.savedPlacement = state
      this.windowWriter.save(state)
    })
  }

  /** One batch of studio events: task progress and opened paths. */
  handleEvents(events: readonly StudioEvent[]): void {
    this.tasks.handle(events)
    for (const event of events) if (event.type === 'app.opened' && event.report.source === 'path') this.recent.add(event.report.path)
  }

  /** Resolves once every state file asked for is written (quit waits for it). */
  flush(): Promise<void> {
    return Promise.all(this.writers.map((writer) => writer.flush())).then(() => undefined)
  }

  private async askAboutNotifications(task: FinishedTask): Promise<boolean> {
    const text = this.options.text().notifications
    const box: Electron.MessageBoxOptions = {
      type: 'question',
      title: MAIN_WINDOW_TITLE,
      message: text.question,
      detail: text.questionDetail(MAIN_WINDOW_TITLE, formatDuration(task.elapsedSeconds, text)),
      buttons: [text.notifyMe, text.noThanks],
      defaultId: 0,
      cancelId: 1,
    }
    const window = this.options.getWindow()
    const { response } = await (window ? this.electron.dialog.showMessageBox(window, box) : this.electron.dialog.showMessageBox(box))
    return response === 0
  }

  private notify(title: string, body: string): void {
    if (!this.electron.Notification.isSupported()) return
    const notification = new this.electron.Notification({ title, body })
    notification.on('click', () => {
      const window = this.options.getWindow()
      if (window && !window.isDestroyed()) revealWindow(window)
    })
    notification.show()
  }
}
