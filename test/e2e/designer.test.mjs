// End to end, the growth designer against a real `ligo serve`: pick the built-in encoder seed, design a custom
// target, see an invalid size refused with its reason next to the control, fix it, read the figures, see the depth
// operator's heat map (and a cell's value on hover), switch the method, and get the CLI line; then open a model
// grown with LiGO for a few operator steps (`ligo grow --from bert-moby`, the seed by name, into the workspace) and
// see its learned operator drawn; plan G_stack's base tokens; press Grow on a small custom design and find the run
// (its folder with the target config the host wrote, the grown model once it completes).
// Screenshots of each state in English and Vietnamese, light and dark: test-results/designer-*.png.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  const args = ['grow', '--from', 'bert-moby', '--to', recipe, '--method', 'ligo', '--ligo-operator-steps', '3', '--batch', '2', '--seq', '16', '--out', grown]
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

  // LEMON cannot grow post-LN BERT 128 -> 192 exactly: the method list says why. StackBERT widens by Net2Net's
  // copies first; on a depth-only target its depth map is l mod L1.
  await page.waitForFunction(() => /post-LN/.test(document.querySelector('[data-testid="designer-methods"]')?.textContent ?? ''))
  await page.getByTestId('method-stackbert').check()
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

/** Screenshots of a part of the designer in English (light) and Vietnamese (dark), back to English and light after. */
async function screenshotBoth(testId, name) {
  for (const [language, scheme] of [['en', 'light'], ['vi', 'dark']]) {
    await chooseLanguage(page, language)
    await setColorScheme(page, scheme)
    await page.getByTestId(testId).scrollIntoViewIfNeeded()
    await screenshot(page, `${name}-${language}-${scheme}`)
  }
  await setColorScheme(page, 'light')
  await chooseLanguage(page, 'en')
}

/** The built-in encoder seed as the source (2 layers, hidden 128) with these target sizes, once the host has answered. */
async function designSeed(sizes) {
  await page.evaluate(() => (location.hash = '#/designer?source=bert-moby'))
  await page.waitForFunction(() => /2 × encoder block/.test(document.querySelector('[data-testid="stack-source"]')?.textContent ?? ''))
  await settled()
  for (const [control, value] of Object.entries(sizes)) await setSize(control, value)
  await page.waitForFunction((layers) => new RegExp(`${layers} × encoder block`).test(document.querySelector('[data-testid="stack-target"]')?.textContent ?? ''), sizes.numLayers)
  await page.waitForFunction(() => document.querySelector('[data-testid="after-parameters"]')?.textContent.trim() !== '—')
}

test("plans G_stack's base tokens with the engine's planner and puts them in its setting", async () => {
  await designSeed({ hiddenSize: 128, numHeads: 2, intermediateSize: 512, numLayers: 8 })
  await page.getByTestId('method-gstack').check()
  await page.getByTestId('designer-plan').waitFor()
  await page.getByTestId('plan-tokens').fill('1e9')
  await page.getByTestId('plan-result').waitFor()
  assert.match(await page.getByTestId('plan-result').textContent(), /4[.,]00/) // 8 / 2 layers, in the paper's range
  await page.getByTestId('plan-apply').click()
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="setting-baseTokens"]')?.value) > 0)
  // the base model's tokens are now charged to the growth phase
  await page.waitForFunction(() => /FLOP/.test(document.querySelector('[data-testid="growth-flops"]')?.textContent ?? ''))
  // 35.3% saving is the paper's 54.6% speedup (docs/growth/gstack.md)
  assert.equal(await page.getByTestId('plan-speedup').inputValue(), '54.6')
  await assertAccessible(page, 'designer (G_stack planner)')
  await screenshotBoth('designer-plan', 'designer-gstack-plan')
  assert.deepEqual(studio.browser.problems, [])
})

test('grows a small custom design from the designer: the run starts, the runs view opens on it, it completes', async () => {
  await designSeed({ hiddenSize: 192, numHeads: 3, intermediateSize: 768, numLayers: 4 })
  await page.getByTestId('method-ligo').check()
  await page.getByTestId('setting-operatorSteps').fill('2')
  await page.locator('#designer-batch').fill('2')
  await page.locator('#designer-seq').fill('16')
  await settled()
  await page.waitForFunction(() => document.querySelector('[data-testid="designer-grow"]')?.disabled === false)
  await page.getByTestId('designer-run').scrollIntoViewIfNeeded()
  await screenshot(page, 'designer-grow-ready-en-light')
  await page.getByTestId('designer-grow').click()
  await page.waitForFunction(() => /^#\/runs\?run=[^&]*-grow-/.test(location.hash))
  const id = await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('run'))
  await screenshot(page, 'designer-grow-runs-en-light')

  // The host wrote the designed target into the run folder, and the engine grows into it.
  const dir = join(studio.server.workspace, 'runs', id)
  const config = JSON.parse(readFileSync(join(dir, 'target-config.json'), 'utf8'))
  assert.deepEqual([config.family, config.numLayers, config.hiddenSize, config.numHeads, config.intermediateSize], ['bert', 4, 192, 3, 768])
  const record = () => JSON.parse(readFileSync(join(dir, 'studio-run.json'), 'utf8'))
  assert.deepEqual(record().params, { from: 'seed:bert-moby', to: { sizes: { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } }, batchSize: 2, seqLen: 16, method: 'ligo', settings: { operatorSteps: 2 }, name: 'bert-moby → 4L · 192H · 3A · FFN 768 (ligo)' })

  // Back in the designer: the run it started, with its link.
  await page.goBack()
  await page.getByTestId('run-started').waitFor()
  assert.match(await page.getByTestId('run-started').textContent(), new RegExp(`growth run ${id}`))
  await assertAccessible(page, 'designer (run started)')
  await screenshotBoth('run-started', 'designer-grow-started')

  const deadline = Date.now() + 240_000
  while (record().status !== 'completed' && Date.now() < deadline) {
    assert.ok(!['failed', 'cancelled', 'interrupted'].includes(record().status), `the grow run ended ${record().status}: ${record().error}`)
    await new Promise((done) => setTimeout(done, 500))
  }
  assert.equal(record().status, 'completed')
  const growth = JSON.parse(readFileSync(join(dir, 'growth.json'), 'utf8'))
  assert.equal(growth.largeConfig.hiddenSize, 192)
  assert.ok(existsSync(join(dir, 'model')))
  assert.deepEqual(studio.browser.problems, [])
})
