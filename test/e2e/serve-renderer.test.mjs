// End to end: the real `ligo serve` in a subprocess, the built renderer in Debian Chromium (playwright-core).
// Needs `npx electron-vite build` first (out/main/cli.js and out/renderer), and /usr/bin/chromium.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, test } from 'node:test'
import { assertBuilt, openBrowser, screenshot, showView, startServe } from './helpers/studio.mjs'

let server
let browser
let page
let origin
let pageProblems

/**
 * A WebSocket upgrade from the server's own origin (so the Origin check passes) but without the token;
 * resolves with the HTTP status the server answers.
 */
function upgradeStatus(url, pageOrigin) {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        Origin: pageOrigin,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    })
    req.once('upgrade', (res, socket) => {
      socket.destroy()
      resolvePromise(res.statusCode)
    })
    req.once('response', (res) => {
      res.resume()
      resolvePromise(res.statusCode)
    })
    req.once('error', reject)
    req.setTimeout(5_000, () => req.destroy(new Error('upgrade request timed out')))
    req.end()
  })
}

before(async () => {
  assertBuilt()
  server = await startServe()
  origin = server.origin
  browser = await openBrowser(server.url)
  page = browser.page
  pageProblems = browser.problems
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the page opened with the token shows the Hardware view on the WebAssembly backend', async () => {
  // Keyboard users meet the skip link first.
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content')
  await showView(page, 'hardware')
  await page.getByRole('heading', { level: 1, name: 'Hardware' }).waitFor()
  const backend = page.getByTestId('backend-in-use')
  await backend.waitFor()
  assert.equal(await backend.textContent(), 'wasm — WebAssembly (@tensorflow/tfjs-backend-wasm)')
  assert.equal(await page.getByTestId('candidate-wasm').getByText('In use').count(), 1)
  assert.equal(await page.getByTestId('connection-status').textContent(), 'Connected to ligo serve')
  assert.ok((await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents()).includes('Hardware'))
  // The token left the address bar (the cookie and the in-memory copy carry on).
  assert.ok(!page.url().includes('token='), `token still in the address bar: ${page.url()}`)
  await screenshot(page, 'hardware')
  assert.deepEqual(pageProblems, [])
})

test('requests without the token get 401', async () => {
  const plain = await fetch(`${origin}/`)
  assert.equal(plain.status, 401)
  await plain.body?.cancel()
  assert.equal(await upgradeStatus(`${origin}/api/ws`, origin), 401)
})

test('"Measure speed" shows progress, then GFLOP/s per size that agree with 2 n^3 / time', async () => {
  await page.getByRole('button', { name: 'Measure speed' }).click()
  const table = page.getByTestId('speed-result')
  await table.waitFor({ timeout: 30_000 })
  assert.match(await table.locator('caption').textContent(), /on wasm$/)
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent.trim())))
  assert.ok(rows.length >= 1, 'no result rows')
  for (let [size, gflops, time] of rows) {
    const n = Number(size)
    const milliseconds = Number.parseFloat(time.replaceAll(',', '')) // "1,234.56 ms" in English
    // An n x n by n x n matmul is n^3 multiply-adds = 2 n^3 floating-point operations. Both shown numbers are
    // rounded to 2 decimals, so the check allows for half a unit in the last place of each.
    const flops = 2 * n ** 3
    const low = flops / ((milliseconds + 0.005) * 1e6) - 0.005
    const high = milliseconds > 0.005 ? flops / ((milliseconds - 0.005) * 1e6) + 0.005 : Infinity
    gflops = gflops.replaceAll(',', '')
    assert.ok(Number(gflops) > 0, `size ${n}: ${gflops} GFLOP/s`)
    assert.ok(Number(gflops) >= low && Number(gflops) <= high, `size ${n}: ${gflops} GFLOP/s shown, ${time} means ${low.toFixed(2)}..${high.toFixed(2)}`)
  }
  assert.deepEqual(pageProblems, [])
})
