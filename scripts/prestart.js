#!/usr/bin/env node
/*
 * Runs before `npm start` (package.json "prestart"). Electron 45 no longer downloads its binary at install: it
 * does so lazily, the first time require('electron') runs, writing node_modules/electron/path.txt; electron-vite
 * reads path.txt directly and fails with "Electron uninstall" when it is missing. So this step:
 *   1. checks the Node version Electron 45 declares (engines.node ">= 22.12.0"; the tests run on Node 20.19+),
 *   2. triggers Electron's own download (require('electron')) when the binary is not there yet,
 *   3. says clearly what to do when that fails (no network, a proxy), instead of electron-vite's message.
 *
 *   node scripts/prestart.js
 */
'use strict'
const fs = require('node:fs')
const path = require('node:path')

/** "22.12.0" -> [22, 12, 0]; anything missing counts as 0. */
function versionParts(version) {
  return String(version).replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0)
}

function atLeast(version, minimum) {
  const a = versionParts(version)
  const b = versionParts(minimum)
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0)
  return true
}

/** The binary Electron's path.txt names, or null when it is not downloaded. */
function installedBinary(electronDir) {
  const pathFile = path.join(electronDir, 'path.txt')
  if (!fs.existsSync(pathFile)) return null
  const binary = path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim())
  return fs.existsSync(binary) ? binary : null
}

/**
 * Returns the exit code. `electronDir` is the electron package folder; `requireElectron` loads it (which is what
 * downloads the binary in Electron 45); `nodeVersion` is process.versions.node.
 */
function prepareElectron({ electronDir, nodeVersion, requireElectron, log }) {
  let minimum = '22.12.0'
  try {
    const declared = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).engines?.node
    minimum = /(\d+\.\d+\.\d+)/.exec(declared || '')?.[1] ?? minimum
  } catch {
    log.error(`npm start: Electron is not installed (${electronDir} has no package.json). Run "npm ci" first.`)
    return 1
  }
  if (!atLeast(nodeVersion, minimum)) {
    log.error(
      `npm start: the desktop app needs Node ${minimum} or newer (Electron's own requirement); this is Node ${nodeVersion}.\n` +
        `Install Node ${versionParts(minimum)[0]} LTS (e.g. "nvm install ${versionParts(minimum)[0]}") and run npm start again. ` +
        `Tests and the command line (npm test, npx ligo, ligo serve) work from Node 20.19.`,
    )
    return 1
  }
  if (installedBinary(electronDir)) return 0
  log.log('npm start: downloading the Electron binary (about 100 MB, once)...')
  let failure = null
  try {
    requireElectron(electronDir)
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  }
  if (installedBinary(electronDir)) return 0
  log.error(
    `npm start: the Electron binary could not be downloaded${failure ? ` (${failure})` : ''}.\n` +
      'It is fetched once from GitHub (about 100 MB). Check the network or proxy (HTTPS_PROXY), or point ' +
      'ELECTRON_MIRROR at a mirror, then run npm start again. Without the desktop app, "npx ligo serve" serves the ' +
      'same UI to a browser.',
  )
  return 1
}

module.exports = { prepareElectron, atLeast }

if (require.main === module) {
  const electronDir = path.dirname(require.resolve('electron/package.json'))
  process.exitCode = prepareElectron({ electronDir, nodeVersion: process.versions.node, requireElectron: (dir) => require(dir), log: console })
}
