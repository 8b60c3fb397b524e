#!/usr/bin/env node
/*
 * Renders resources/icons/icon.svg (the one source of the app icon) to the files the installers need:
 *   resources/icons/png/<N>x<N>.png   Linux (electron-builder picks sizes from the names), N = 16 ... 1024
 *   resources/icons/icon.png          1024 px: macOS (electron-builder turns it into icon.icns) and the window icon
 *   resources/icons/icon.ico          Windows, 16/24/32/48/64/128/256 px in one file (ImageMagick `convert`)
 * Chromium draws the SVG (Debian's ImageMagick has no SVG reader without librsvg), so this needs /usr/bin/chromium
 * (or CHROMIUM_PATH) and ImageMagick. Run it after editing the SVG and commit the outputs:
 *   node scripts/render-icons.mjs
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const ICONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons')
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

const svg = readFileSync(join(ICONS, 'icon.svg'), 'utf8')
mkdirSync(join(ICONS, 'png'), { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
})
try {
  const page = await browser.newPage()
  for (const size of PNG_SIZES) {
    await page.setViewportSize({ width: size, height: size })
    const inline = svg.replace(/<\?xml[^>]*>/, '').replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${inline}</body></html>`)
    await page.screenshot({ path: join(ICONS, 'png', `${size}x${size}.png`), omitBackground: true })
  }
} finally {
  await browser.close()
}
spawnSync('cp', [join(ICONS, 'png', '1024x1024.png'), join(ICONS, 'icon.png')], { stdio: 'inherit' })
const ico = spawnSync('convert', [...ICO_SIZES.map((s) => join(ICONS, 'png', `${s}x${s}.png`)), join(ICONS, 'icon.ico')], { stdio: 'inherit' })
if (ico.status !== 0) throw new Error('ImageMagick `convert` could not write icon.ico')
console.log(`wrote ${PNG_SIZES.length} PNGs, icon.png and icon.ico in ${ICONS}`)
