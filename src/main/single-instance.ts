/**
 * One running app per user: a second launch hands its arguments to the first and quits.
 */
import type { App } from 'electron'

/**
 * Returns false (and asks the app to quit) when another instance holds the lock. Otherwise registers
 * `onSecondLaunch` for later launches, with their argv and working directory.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>,
  onSecondLaunch: (argv: string[], workingDirectory: string) => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', (_event, argv, workingDirectory) => onSecondLaunch(argv, workingDirectory))
  return true
}
