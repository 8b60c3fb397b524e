// End to end: every view the navigation offers, in English and Vietnamese, light and dark: axe-core finds no
// serious or critical violation, and a screenshot of each lands in test-results/<view>-<language>-<theme>.png.
// Also the keyboard path (skip link, navigation, visible focus) and the theme setting over the OS scheme.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { assertAccessible, assertBuilt, chooseLanguage, listViews, openBrowser, screenshot, setColorScheme, showView, startServe } from './helpers/studio.mjs'

let server
let browser
let page

before(async () => {
  assertBuilt()
  server = await startServe()
  browser = await openBrowser(server.url)
  page = browser.page
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** A view is ready when nothing on it says it is still loading. */
async function settled() {
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0)
}

const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)

test('every view passes axe in English and Vietnamese, light and dark, with a screenshot of each', async () => {
  const views = await listViews(page)
  assert.ok(views.some((v) => v.id === 'settings'), `no Settings view in the navigation: ${JSON.stringify(views)}`)
  for (const language of ['en', 'vi']) {
    await chooseLanguage(page, language)
    for (const scheme of ['light', 'dark']) {
      await setColorScheme(page, scheme)
      for (const view of views) {
        await showView(page, view.id)
        await settled()
        await assertAccessible(page, `${view.id} (${language}, ${scheme})`)
        await screenshot(page, `${view.id}-${language}-${scheme}`)
      }
    }
  }
  await chooseLanguage(page, 'en')
  assert.deepEqual(browser.problems, [])
})

test('the navigation and headings speak the chosen language', async () => {
  await chooseLanguage(page, 'vi')
  const labels = (await listViews(page)).map((v) => v.label)
  assert.ok(labels.includes('Cài đặt') && labels.includes('Phần cứng'), labels.join())
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Cài đặt')
  await chooseLanguage(page, 'en')
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Settings')
})

test('the theme follows the OS, and Settings overrides it', async () => {
  await setColorScheme(page, 'dark')
  const dark = await background()
  await setColorScheme(page, 'light')
  const light = await background()
  assert.notEqual(dark, light)
  await showView(page, 'settings')
  await page.getByTestId('settings-theme-dark').check()
  assert.equal(await background(), dark, 'Dark in Settings wins over a light OS scheme')
  await page.getByTestId('settings-theme-system').check()
  assert.equal(await background(), light)
})

test('keyboard: the skip link shows on focus and moves to the content; navigation links show focus', async () => {
  // (That the skip link is the first Tab stop of a fresh page is checked in serve-renderer.test.mjs.)
  await page.evaluate(() => document.querySelector('.skip-link').focus())
  const box = await page.locator('.skip-link').boundingBox()
  assert.ok(box && box.y >= 0, 'the focused skip link is on screen')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.id === 'main')
  // Tab from the skip link reaches the navigation; the focused link shows an outline.
  await page.evaluate(() => document.querySelector('.skip-link').focus())
  let link = null
  for (let i = 0; i < 10 && !link; i++) {
    await page.keyboard.press('Tab')
    link = await page.evaluate(() => (document.activeElement?.closest('nav') ? document.activeElement.getAttribute('data-testid') : null))
  }
  assert.ok(link, 'Tab never reached the navigation')
  assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'solid')
  // Move to a view that is not shown, by keyboard: focus lands on its heading.
  const current = await page.evaluate(() => location.hash)
  while (await page.evaluate((hash) => document.activeElement.getAttribute('href') === hash, current)) await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.id === 'view-title')
  assert.deepEqual(browser.problems, [])
})
