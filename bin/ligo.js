#!/usr/bin/env node
// The `ligo` command. The CLI is built with the app (out/main/cli.js) by `npm run build`,
// which `npm install` / `npm ci` run through the "prepare" script.
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write(`ligo: ${built} is missing. Run "npm run build" in ${join(__dirname, '..')} first.\n`)
  process.exit(1)
}
require(built)
