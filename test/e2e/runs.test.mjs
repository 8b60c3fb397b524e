// End to end: the runs view against the real `ligo serve` and engine, one list for every kind of run. Starts a short
// training run from the "New training run" form (a zoo card's Train link opens it), sees it progress and finish in
// the list and opens its loss chart; starts a short comparison (scratch and LiGO, a tiny budget) from its form,
// watches points arrive on the chart, switches the x-axis, reloads the page mid-run and sees it catch up, cancels
// and resumes, waits for the headline, and exports CSV, PNG and the HTML report (the files are read back).
// Screenshots of each state in test-results/runs-*.png, light and dark, en and vi.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { assertAccessible, assertBuilt, chooseLanguage, openBrowser, RESULTS, screenshot, setColorScheme, startServe } from './helpers/studio.mjs'

let server
let browser
let page
let runUrl
let trainRunUrl

before(async () => {
  assertBuilt()
  // startServe gives the server a fresh workspace: the runs land in <workspace>/runs
  server = await startServe()
  browser = await openBrowser(server.url)
  page = browser.page
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const pointsSoFar = async () => Number((await page.getByText(/\d+ points so far/).textContent()).match(/(\d+) points/)[1])
const state = () => page.getByTestId('run-state').getAttribute('data-state')

async function download(button, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()])
  const path = join(RESULTS, name)
  await file.saveAs(path)
  return { path, suggested: file.suggestedFilename() }
}

test('a training run started from the form (a zoo card\'s Train) progresses and finishes in the list', { timeout: 300_000 }, async () => {
  // the zoo card's Train link opens the form with the card's model
  await page.goto(`${server.origin}/#/zoo`)
  await page.getByTestId('model-seed:bert-moby').getByRole('link', { name: 'Train', exact: true }).click()
  await page.waitForFunction(() => location.hash === '#/runs?new=train&model=seed%3Abert-moby')
  const form = page.getByTestId('new-train')
  assert.equal(await form.locator('select[name=model]').inputValue(), 'seed:bert-moby')
  await page.waitForFunction(() => document.querySelector('[data-testid=new-train] select[name=dataChoice]')?.value === 'moby-dick')

  // a bad value is named at its field and nothing starts
  await form.locator('input[name=steps]').fill('0')
  await page.getByTestId('start-train').click()
  await page.getByTestId('problem-steps').getByText('Must be between 1 and 1,000,000,000.').waitFor()
  await screenshot(page, 'runs-train-form-invalid')

  await form.locator('input[name=steps]').fill('12')
  await form.locator('input[name=batchSize]').fill('2')
  await form.locator('input[name=seqLen]').fill('16')
  await form.locator('input[name=evalEvery]').fill('3')
  await form.locator('select[name=schedule]').selectOption('cosine')
  await page.getByTestId('start-train').click()
  await page.waitForFunction(() => /^#\/runs\?run=\d{8}T\d{6}-train-/.test(location.hash))
  const id = (await page.evaluate(() => location.hash)).split('=')[1]
  trainRunUrl = `#/runs?run=${id}`

  // the list shows it with its kind, model, state and progress until it finishes
  await page.goto(`${server.origin}/#/runs`)
  const item = page.getByTestId(`run-${id}`)
  await item.waitFor()
  assert.equal(await item.getAttribute('data-kind'), 'train')
  assert.match(await item.textContent(), /Model: bert-moby/)
  await page.waitForFunction((runId) => document.querySelector(`[data-testid="run-${runId}"]`)?.dataset.state === 'completed', id, { timeout: 240_000 })
  assert.match(await item.textContent(), /12 of 12 steps/)
  const bar = item.locator('progress')
  assert.equal(await bar.getAttribute('value'), await bar.getAttribute('max'))
  await page.getByTestId('runs-kind-filter').selectOption('compare')
  await page.getByTestId('runs-empty').waitFor()
  await page.getByTestId('runs-kind-filter').selectOption('all')

  // its page: the loss chart of its own log, and its checkpoints as zoo models
  await item.getByRole('link', { name: 'Open' }).click()
  await page.waitForFunction(() => /([1-9]\d*) points so far/.test(document.body.textContent))
  await page.getByTestId('run-outputs').getByText(`run:${id}/step-12`).waitFor()
  await screenshot(page, 'runs-train-finished')

  // train further: the run resumes from its checkpoint at step 12 and continues its log up to step 16
  const before = await pointsSoFar()
  await page.getByTestId('run-extend').locator('input[name=steps]').fill('16')
  await page.getByRole('button', { name: 'Continue training' }).click()
  await page.waitForFunction(() => ['queued', 'running'].includes(document.querySelector('[data-testid=run-state]')?.dataset.state), null, { timeout: 30_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.dataset.state === 'completed', null, { timeout: 240_000 })
  await page.getByTestId('run-outputs').getByText(`run:${id}/step-16`).waitFor()
  await page.waitForFunction((n) => Number(document.body.textContent.match(/(\d+) points so far/)?.[1]) > n, before)
  assert.deepEqual(browser.problems, [])
})

test('the runs list and the training form pass axe in English and Vietnamese, light and dark', { timeout: 420_000 }, async () => {
  for (const language of ['en', 'vi']) {
    await chooseLanguage(page, language)
    for (const [hash, name] of [
      ['#/runs', 'list'],
      ['#/runs?new=train&model=seed%3Abert-moby', 'train-form'],
      [trainRunUrl, 'train-page'],
    ]) {
      await page.evaluate((h) => (location.hash = h), hash)
      await page.locator('[data-testid^="run-"]').first().waitFor()
      if (name === 'train-page') await page.getByTestId('run-extend').waitFor()
      if (name === 'train-form') await page.waitForFunction(() => document.querySelector('[data-testid=new-train] select[name=dataChoice]')?.value === 'moby-dick')
      for (const scheme of ['light', 'dark']) {
        await setColorScheme(page, scheme)
        await assertAccessible(page, `runs ${name} (${language}, ${scheme})`)
        await screenshot(page, `runs-${name}-${language}-${scheme}`)
      }
    }
  }
  await chooseLanguage(page, 'en')
  await setColorScheme(page, 'light')
  assert.deepEqual(browser.problems, [])
})

test('a comparison started from the runs view streams points, survives a reload, cancels and resumes', { timeout: 600_000 }, async () => {
  await page.goto(`${server.origin}/#/runs?new=compare`)
  const form = page.getByTestId('new-comparison')
  await form.locator('select[name=from]').selectOption('preset:bert-mini')
  await form.locator('input[name=to]').fill('bert-mini-grown')
  await form.locator('input[name=methods]').fill('scratch, ligo')
  await form.locator('input[name=steps]').fill('30')
  await form.locator('input[name=evalEvery]').fill('3')
  await form.locator('input[name=batchSize]').fill('2')
  await form.locator('input[name=seqLen]').fill('16')
  await page.getByTestId('start-comparison').click()
  await page.waitForFunction(() => /^#\/runs\?run=\d{8}T\d{6}-compare-/.test(location.hash))
  runUrl = await page.evaluate(() => location.hash)

  // points arrive while it trains
  await page.waitForFunction(() => /([1-9]\d*) points so far/.test(document.body.textContent), null, { timeout: 180_000 })
  assert.equal(await state(), 'running')
  const first = await pointsSoFar()
  await page.waitForFunction((n) => Number(document.body.textContent.match(/(\d+) points so far/)?.[1]) > n, first, { timeout: 120_000 })
  await screenshot(page, 'runs-live-flops')

  // the x-axis switches; the chart keeps its points
  await page.getByTestId('chart-axis').selectOption('wallSeconds')
  await page.getByText('Validation loss against Wall time').waitFor()
  await screenshot(page, 'runs-live-wall')

  // a reload mid-run catches up from the metrics logs
  const before = await pointsSoFar()
  await page.reload()
  await page.waitForFunction((n) => Number(document.body.textContent.match(/(\d+) points so far/)?.[1]) >= n, before, { timeout: 30_000 })
  assert.equal(await state(), 'running')

  // cancel, then resume from the last checkpoint
  await page.getByTestId('page-cancel').click()
  await page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.dataset.state === 'cancelled', null, { timeout: 60_000 })
  await screenshot(page, 'runs-cancelled')
  await page.getByTestId('page-resume').click()
  await page.waitForFunction(() => ['queued', 'running'].includes(document.querySelector('[data-testid=run-state]')?.dataset.state), null, { timeout: 30_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.dataset.state === 'completed', null, { timeout: 420_000 })
  await page.getByTestId('headline').waitFor({ timeout: 30_000 })
  await screenshot(page, 'runs-finished')
  assert.deepEqual(browser.problems, [])
})

test('exports CSV, PNG and a self-contained HTML report of the comparison', { timeout: 120_000 }, async () => {
  assert.ok(runUrl, 'the comparison of the first test')
  const csv = await download('export-csv', 'runs-export.csv')
  const text = readFileSync(csv.path, 'utf8')
  assert.match(text, /^method,seed,step,flops,wall_seconds,energy_joules,train_loss,val_loss\r\n/)
  assert.ok(text.includes('\r\nscratch,0,') && text.includes('\r\nligo,0,'), 'rows of both methods')
  const png = await download('chart-png', 'runs-export.png')
  assert.deepEqual([...readFileSync(png.path).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const html = await download('export-html', 'runs-report.html')
  const report = readFileSync(html.path, 'utf8')
  assert.ok(report.includes('<svg') && report.includes('What growth saved') && !/<script/i.test(report), 'charts inline, headline, no script')
  assert.deepEqual(browser.problems, [])
})

test('the run page passes axe in English and Vietnamese, light and dark', { timeout: 120_000 }, async () => {
  for (const language of ['en', 'vi']) {
    await chooseLanguage(page, language)
    await page.evaluate((hash) => (location.hash = hash), runUrl)
    await page.getByTestId('headline').waitFor()
    for (const scheme of ['light', 'dark']) {
      await setColorScheme(page, scheme)
      await assertAccessible(page, `run page (${language}, ${scheme})`)
      await screenshot(page, `runs-page-${language}-${scheme}`)
    }
  }
  await chooseLanguage(page, 'en')
  await setColorScheme(page, 'light')
  assert.deepEqual(browser.problems, [])
})
