// End to end: the model zoo against the real `ligo serve` (its own workspace in a temporary folder): seeds and
// presets listed, filtering, a model page with its tensor table, importing fixture checkpoints by a real drop
// event and by the Import button, exporting one as a Hugging Face folder (files checked on disk), and the errors
// for a random file and a truncated safetensors dropped together.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { RESULTS, assertBuilt, openBrowser, screenshot, showView, startServe } from './helpers/studio.mjs'

const FIXTURES = process.env.LIGO_FIXTURES || join(import.meta.dirname, '../../../shared/fixtures')
const BERT = join(FIXTURES, 'bert-tiniest-lmhead/model.safetensors')
const VIT = join(FIXTURES, 'vit-dummy-bin/pytorch_model.bin')

let workspace
let server
let browser
let page

before(async () => {
  assertBuilt()
  assert.ok(existsSync(BERT), `fixture ${BERT} is missing (set LIGO_FIXTURES to the fixtures folder)`)
  server = await startServe()
  workspace = server.workspace
  browser = await openBrowser(server.url)
  page = browser.page
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const cards = () => page.getByTestId('zoo-cards').locator('article')
const cardTexts = () => cards().allTextContents()
const count = async () => Number.parseInt((await page.getByTestId('zoo-count').textContent()).replaceAll(',', ''), 10)

/** Drops files (name + bytes) on the window with a real DataTransfer, as a user's drag from the file manager. */
async function dropFiles(files) {
  const transfer = await page.evaluateHandle((list) => {
    const dataTransfer = new DataTransfer()
    for (const { name, bytes } of list) dataTransfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' }))
    return dataTransfer
  }, files.map(({ name, bytes }) => ({ name, bytes: [...bytes] })))
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer })
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer })
  await page.getByTestId('drop-overlay').waitFor()
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer })
  await page.getByTestId('drop-overlay').waitFor({ state: 'detached' })
}

test('the zoo opens first and lists the built-in seeds and the paper presets of every family', async () => {
  await page.getByRole('heading', { level: 1, name: 'Model zoo' }).waitFor()
  await page.getByTestId('zoo-count').waitFor()
  const texts = await cardTexts()
  assert.ok(texts.some((t) => t.includes('Built-in seed')), 'no built-in seed card')
  assert.ok(texts.some((t) => t.includes('Paper preset')), 'no preset card')
  const families = await page.getByTestId('zoo-family').locator('option').allTextContents()
  for (const family of ['BERT', 'RoBERTa', 'GPT-2', 'ViT', 'CaiT']) assert.ok(families.includes(family), `no ${family} in ${families}`)
  await screenshot(page, 'zoo-list')
  assert.deepEqual(browser.problems, [])
})

test('filtering by family, source and name narrows the cards', async () => {
  const all = await count()
  await page.getByTestId('zoo-family').selectOption('gpt2')
  await page.waitForFunction((n) => Number.parseInt(document.querySelector('[data-testid=zoo-count]').textContent, 10) < n, all)
  for (const text of await cardTexts()) assert.match(text, /GPT-2/)
  await page.getByTestId('zoo-source').selectOption('builtin')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=zoo-cards] article')].every((a) => a.textContent.includes('Built-in seed')))
  assert.ok((await count()) >= 1)
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.waitForFunction((n) => Number.parseInt(document.querySelector('[data-testid=zoo-count]').textContent, 10) === n, all)
  await page.getByTestId('zoo-search').fill('no model has this name')
  await page.getByText('No model matches these filters.').waitFor()
  await page.getByTestId('zoo-search').fill('')
  await page.waitForFunction((n) => Number.parseInt(document.querySelector('[data-testid=zoo-count]').textContent, 10) === n, all)
})

test('a seed card opens its page: configuration, lineage and a filterable tensor table', async () => {
  await page.getByTestId('zoo-source').selectOption('builtin')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=zoo-cards] article')].every((a) => a.textContent.includes('Built-in seed')))
  const link = cards().first().getByRole('heading').getByRole('link')
  const name = await link.textContent()
  await link.click()
  await page.getByRole('heading', { level: 1, name }).waitFor()
  await page.getByTestId('tensor-table').locator('tbody tr').first().waitFor()
  const caption = page.getByTestId('tensor-count')
  const [, total] = /of (\d+) tensors/.exec(await caption.textContent())
  assert.ok(Number(total) > 4, `only ${total} tensors`)
  await page.getByTestId('tensor-filter').fill('layernorm')
  await page.waitForFunction((t) => !document.querySelector('[data-testid=tensor-count]').textContent.startsWith(`${t} of`), total)
  const shown = Number(/^(\d+) of/.exec(await caption.textContent())[1])
  assert.ok(shown > 0 && shown < Number(total), `filter kept ${shown} of ${total}`)
  assert.match(await page.getByTestId('model-config').textContent(), /hidden|family/i)
  await page.getByTestId('lineage').waitFor()
  await screenshot(page, 'zoo-model-page')
  await page.getByTestId('zoo-back').click()
  await page.getByRole('button', { name: 'Clear filters' }).click()
  assert.deepEqual(browser.problems, [])
})

test('a checkpoint dropped on the window is uploaded, imported, and its card opens', async () => {
  await showView(page, 'zoo')
  await dropFiles([{ name: 'bert-tiniest.safetensors', bytes: readFileSync(BERT) }])
  await page.getByTestId('import-done').waitFor({ timeout: 60_000 })
  // One success: its page opens.
  await page.getByTestId('tensor-table').waitFor()
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /bert/i)
  await page.getByTestId('zoo-back').click()
  await page.getByTestId('zoo-source').selectOption('uploaded')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=zoo-cards] article').length === 1)
  assert.match((await cardTexts())[0], /Uploaded as bert-tiniest\.safetensors/)
  await page.getByRole('button', { name: 'Clear filters' }).click()
})

test('the Import button imports a chosen file', async () => {
  await page.getByTestId('import-input').setInputFiles(VIT)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-done]').length === 2, null, { timeout: 60_000 })
  await page.getByTestId('tensor-table').waitFor()
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /pytorch_model|vit/i)
  await screenshot(page, 'zoo-imported')
})

test('a random file and a truncated safetensors dropped together each show the parser error, and nothing is added', async () => {
  await showView(page, 'zoo')
  await page.getByRole('link', { name: 'Back to the zoo' }).click().catch(() => {})
  await page.getByTestId('zoo-count').waitFor()
  const before = await count()
  const random = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 251))
  const truncated = readFileSync(BERT).subarray(0, 600)
  await dropFiles([
    { name: 'notes.bin', bytes: random },
    { name: 'cut.safetensors', bytes: truncated },
  ])
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-error]').length === 2, null, { timeout: 60_000 })
  const errors = await page.getByTestId('import-error').allTextContents()
  assert.match(errors.find((e) => e.includes('notes.bin')) ?? '', /notes\.bin was not imported: .+/)
  assert.match(errors.find((e) => e.includes('cut.safetensors')) ?? '', /cut\.safetensors was not imported: .+/)
  assert.equal(await count(), before)
  await screenshot(page, 'zoo-import-errors')
  await page.getByTestId('import-panel').screenshot({ path: join(RESULTS, 'import-panel.png') })
})

test('export of the imported checkpoint as a Hugging Face folder writes the planned files into the workspace', async () => {
  await page.getByTestId('zoo-source').selectOption('uploaded')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=zoo-cards] article')].some((a) => a.textContent.includes('bert-tiniest')))
  const card = cards().filter({ hasText: 'bert-tiniest' })
  await card.getByTestId('model-export').click()
  const dialog = page.getByTestId('export-dialog')
  await dialog.getByTestId('export-plan').waitFor()
  const planned = await dialog.getByTestId('export-plan').locator('tbody th').allTextContents()
  assert.ok(planned.some((f) => f.startsWith('model.safetensors')), planned.join())
  assert.ok(planned.some((f) => f.startsWith('config.json')), planned.join())
  await dialog.getByTestId('export-recipe').waitFor()
  await screenshot(page, 'export-dialog')
  await page.getByTestId('export-start').click()
  await page.getByTestId('export-done').waitFor({ timeout: 60_000 })
  const destination = await page.getByTestId('export-destination').textContent()
  assert.ok(destination.startsWith(workspace), `${destination} is not inside the workspace ${workspace}`)
  for (const file of ['model.safetensors', 'config.json']) assert.ok(statSync(join(destination, file)).size > 0, `${file} missing in ${destination}`)
  // The browser cannot fetch a folder: the dialog links the export's zip, served with the page's token cookie.
  const href = await page.getByTestId('export-download').getAttribute('href')
  assert.ok(href, 'no download link')
  const fetched = await page.evaluate(async (url) => {
    const reply = await fetch(url)
    const bytes = new Uint8Array(await reply.arrayBuffer())
    return { status: reply.status, magic: String.fromCharCode(bytes[0], bytes[1]), size: bytes.length }
  }, href)
  assert.deepEqual({ status: fetched.status, magic: fetched.magic }, { status: 200, magic: 'PK' })
  assert.equal(fetched.size, statSync(`${destination}.zip`).size)
  await page.getByRole('button', { name: 'Close' }).click()
  assert.deepEqual(browser.problems, [])
})
