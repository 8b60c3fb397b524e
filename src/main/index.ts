/**
 * Electron main entry (out/main/index.js). Everything lives in small modules; see ./desktop-app.ts for how
 * they are wired and ./README.md for what each one does.
 */
import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, nativeTheme, protocol, screen, session, shell, utilityProcess } from 'electron'
import { startDesktopApp } from './desktop-app'

startDesktopApp(
  { app, BrowserWindow, Menu, Notification, dialog, ipcMain, nativeTheme, protocol, screen, session, shell, utilityProcess },
  {
    mainDir: __dirname,
    env: process.env,
    argv: process.argv,
    platform: process.platform,
    defaultApp: Boolean(process.defaultApp),
    cwd: process.cwd(),
    resourcesPath: process.resourcesPath,
  },
)
