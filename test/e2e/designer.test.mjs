// End to end, the growth designer against a real `ligo serve`: pick the built-in encoder seed, design a custom
// target, see an invalid size refused with its reason next to the control, fix it, read the figures, see the depth
// operator's heat map (and a cell's value on hover), switch the method, and get the CLI line; then open a model
// grown with LiGO for a few operator steps (`ligo grow` into the workspace) and see its learned operator drawn.
// Screenshots of each state in English and Vietnamese, light and dark: test-results/designer-*.png.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { assertAccessible, chooseLanguage, openStudio, ROOT, screenshot, setColorScheme, showView } from './helpers/studio.mjs'

let studio
let page
let grown
const scratchDir = mkdtempSync(join(tmpdir(), 'ligo-e2e-designer-'))

before(async () => {
  studio = await openStudio()
  page = studio.page
  // A LiGO growth of the encoder seed into the server's workspace, 2 x 128 -> 4 x 192, 3 operator steps, with the
  // target read from a designer recipe.
  grown = join(studio.server.workspace, 'grown-ligo')
  const recipe = join(scratchDir, 'recipe.json')
  const sizes = { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 }
  writeFileSync(recipe, JSON.stringify({ format: 'ligo-growth-recipe', version: 1, from: 'bert-moby', to: { sizes }, method: 'ligo', grow: {} }))
  const args = ['grow', '--from', join(ROOT, 'resources/seeds/bert-moby'), '--to', recipe, '--method', 'ligo', '--ligo-operator-steps', '3', '--batch', '2', '--seq', '16', '--out', grown]
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/ligo.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 })
  assert.equal(run.status, 0, `ligo grow failed:\n${run.stdout}\n${run.stderr}`)
})
after(async () => {
  await studio?.close()
  rmSync(scratchDir, { recursive: true, force: true })
})

const settled = () => page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0)

async function setSize(control, value) {
  await page.getByTestId(`size-${control}`).fill(String(value))
}

test('designs a custom growth of the built-in seed: reasons, figures, heat map, CLI line', async () => {
  await showView(page, 'designer')
  await settled()
  await page.getByTestId('designer-source').selectOption('bert-moby')
  await page.getByTestId('stack-source').waitFor()
  assert.match(await page.getByTestId('stack-source').textContent(), /2 × encoder block/)

  // An invalid hidden size: refused, with the rule next to the control.
  await setSize('hiddenSize', 200)
  await page.waitForFunction(() => document.querySelector('[data-testid="size-hiddenSize"]')?.getAttribute('aria-invalid') === 'true')
  assert.match(await page.getByTestId('reason-hiddenSize').textContent(), /not a multiple of the head size 64.*Try 192 or 256/)
  await page.waitForFunction(() => document.querySelector('[data-testid="after-parameters"]')?.textContent.trim() === '—')
  await screenshot(page, 'designer-invalid-en-light')

  // Fix it: 4 layers, 192 hidden (3 heads of 64), FFN 768.
  await setSize('hiddenSize', 192)
  await page.waitForFunction(() => /heads/.test(document.querySelector('[data-testid="reason-numHeads"]')?.textContent ?? ''))
  await setSize('numHeads', 3)
  await setSize('intermediateSize', 768)
  await setSize('numLayers', 4)
  await page.getByTestId('heat-depth').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid="after-parameters"]')?.textContent.trim() !== '—')
  assert.match(await page.getByTestId('growth-flops').textContent(), /100 operator steps/)
  assert.match(await page.getByTestId('stack-target').textContent(), /4 × encoder block/)

  // Hover a cell of the depth operator: its value is read out.
  await page.getByTestId('heat-depth').locator('rect').first().hover()
  assert.match(await page.getByTestId('heat-depth-readout').textContent(), /large layer 0, small layer 0: \d/)
  assert.match(await page.getByTestId('cli-grow').textContent(), /^ligo grow --from \S+\/resources\/seeds\/bert-moby --to recipe\.json --method ligo /)
  await assertAccessible(page, 'designer (valid design)')
  for (const language of ['en', 'vi']) {
    await chooseLanguage(page, language)
    await page.getByTestId('heat-depth').waitFor()
    for (const scheme of ['light', 'dark']) {
      await setColorScheme(page, scheme)
      await screenshot(page, `designer-valid-${language}-${scheme}`)
    }
  }
  await setColorScheme(page, 'light')
  await chooseLanguage(page, 'en')

  // StackBERT cannot widen: it says why; on a depth-only target its depth map is l mod L1.
  await page.getByTestId('method-stackbert').check()
  await page.waitForFunction(() => /depth only/.test(document.querySelector('[data-testid="designer-methods"]')?.textContent ?? ''))
  await setSize('hiddenSize', 128)
  await setSize('numHeads', 2)
  await setSize('intermediateSize', 512)
  await page.waitForFunction(() => document.querySelector('[data-testid="heat-depth"] figcaption')?.textContent.includes('depth'))
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="heat-depth"] rect').length === 8)
  await screenshot(page, 'designer-stackbert-en-light')
  assert.deepEqual(studio.browser.problems, [])
})

test("draws the operator a LiGO growth learned, for the grown model", async () => {
  await page.evaluate((dir) => (location.hash = `#/designer?source=${encodeURIComponent(dir)}`), grown)
  await page.getByTestId('learned-operator').waitFor()
  assert.match(await page.getByTestId('stack-source').textContent(), /4 × encoder block/)
  // the learned depth operator: 4 large layers x 2 small layers, every row drawn
  assert.equal(await page.getByTestId('heat-learned-depth').locator('rect').count(), 8)
  await page.getByTestId('heat-learned-depth').locator('rect').nth(2).hover()
  assert.match(await page.getByTestId('heat-learned-depth-readout').textContent(), /large layer 1, small layer 0: -?\d/)
  await page.getByTestId('learned-operator').scrollIntoViewIfNeeded()
  await screenshot(page, 'designer-learned-en-light')
  assert.deepEqual(studio.browser.problems, [])
})
