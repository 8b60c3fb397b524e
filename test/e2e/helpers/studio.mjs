// Shared harness for the end-to-end files: one `ligo serve` and one Chromium per file, page problems
// collected, axe-core checks and screenshots of every view in each language and theme.
// Needs `npx electron-vite build` first (out/main/cli.js and out/renderer), and Chromium (CHROMIUM_PATH or
// Debian's /usr/bin/chromium; playwright-core never downloads a browser).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium } from 'playwright-core'

export const ROOT = resolve(import.meta.dirname, '../../..')
export const RESULTS = join(ROOT, 'test-results')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
// The printed address: http://127.0.0.1:PORT/?token=...
const SERVE_URL = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)/
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export function assertBuilt() {
  for (const needed of [join(ROOT, 'out/main/cli.js'), join(ROOT, 'out/renderer/index.html')]) {
    assert.ok(existsSync(needed), `${needed} is missing: run "npx electron-vite build" before the end-to-end tests`)
  }
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`)
}

/**
 * Starts `ligo serve --port 0 --workspace <a new temporary folder>` (plus extraArgs) and resolves with
 * { origin, url, token, workspace, output(), stop() }. stop() ends the server and deletes the workspace, so a test
 * never writes settings, uploads or exports into the user's own workspace.
 */
export function startServe(extraArgs = []) {
  const workspace = mkdtempSync(join(tmpdir(), 'ligo-e2e-workspace-'))
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ligo.js'), 'serve', '--port', '0', '--workspace', workspace, ...extraArgs], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    let output = ''
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done))
        child.kill('SIGTERM')
        const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timeout)
      }
      rmSync(workspace, { recursive: true, force: true })
    }
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`ligo serve printed no URL within 30 s. Output:\n${output}`))
    }, 30_000)
    const onData = (chunk) => {
      output += chunk
      const match = SERVE_URL.exec(output)
      if (match) {
        clearTimeout(timer)
        resolvePromise({ origin: match[1], url: match[0], token: match[2], workspace, output: () => output, stop, process: child })
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`ligo serve exited (code ${code}, signal ${signal}) before printing its URL. Output:\n${output}`))
    })
  })
}

/**
 * One Chromium with a fresh profile, opened on `url`, English and the light scheme unless asked otherwise.
 * `problems` collects script errors, console errors and CSP violations: tests assert it stays empty.
 */
export async function openBrowser(url, { locale = 'en-US', colorScheme = 'light' } = {}) {
  const profileDir = mkdtempSync(join(tmpdir(), 'ligo-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale,
    colorScheme,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  const problems = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`)
  })
  await page.goto(url)
  const close = async () => {
    await context.close()
    rmSync(profileDir, { recursive: true, force: true })
  }
  return { context, page, problems, close }
}

/** The views the navigation offers, as [{ id, label }], read from the page (so every registered view is covered). */
export async function listViews(page) {
  const links = page.getByRole('navigation').first().locator('a[data-testid^="nav-"]')
  await links.first().waitFor()
  return links.evaluateAll((anchors) => anchors.map((a) => ({ id: a.dataset.testid.slice(4), label: a.textContent.trim() })))
}

/** Shows a view by its navigation link (a real click); a view switch moves focus to the new heading. */
export async function showView(page, id) {
  const switching = (await page.getByTestId(`nav-${id}`).getAttribute('aria-current')) !== 'page'
  await page.getByTestId(`nav-${id}`).click()
  await page.waitForFunction((viewId) => location.hash.startsWith(`#/${viewId}`), id)
  if (switching) await page.waitForFunction(() => document.activeElement?.id === 'view-title')
}

/** Axe-core on the whole page; fails with each serious or critical violation and the elements it names. */
export async function assertAccessible(page, where) {
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const described = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`)
  assert.deepEqual(described, [], `axe found serious or critical problems on ${where}`)
}

/** Chooses the language in Settings (the real control), then returns to the view that was shown. */
export async function chooseLanguage(page, language) {
  const back = await page.evaluate(() => location.hash)
  await showView(page, 'settings')
  await page.getByTestId('settings-language').selectOption(language)
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language)
  if (back && back !== '#/settings') await page.evaluate((hash) => (location.hash = hash), back)
}

/** The OS colour scheme, as prefers-color-scheme reports it to the page (the theme setting stays "system"). */
export async function setColorScheme(page, colorScheme) {
  await page.emulateMedia({ colorScheme })
}

export async function screenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true })
  const path = join(RESULTS, `${name}.png`)
  // From the top: the sticky header would otherwise be drawn where the page happened to be scrolled.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path, fullPage: true })
  return path
}

/** `ligo serve` and a browser on it, for a test file's before(); close() stops both (for after()). */
export async function openStudio(options = {}) {
  assertBuilt()
  const server = await startServe()
  try {
    const browser = await openBrowser(server.url, options)
    return { server, browser, page: browser.page, close: async () => (await browser.close(), await server.stop()) }
  } catch (error) {
    await server.stop()
    throw error
  }
}
