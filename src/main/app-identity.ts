/**
 * Who the app is to the operating system. The installers (electron-builder.config.ts) and the running app read the
 * same values: Windows ties notifications and the taskbar to the AppUserModelID the installer gave the shortcut,
 * and Linux desktops find the launcher entry (for the progress bar) by the .desktop file's name.
 */
export const APP_ID = 'org.ligostudio.LiGOStudio'
/** The Linux executable and .desktop file name; also package.json's desktopName (`ligo-studio.desktop`). */
export const LINUX_EXECUTABLE_NAME = 'ligo-studio'
