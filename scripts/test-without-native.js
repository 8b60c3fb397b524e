#!/usr/bin/env node
// Runs the engine's model, training and backend tests a second time with the native kernels addon switched off
// (LIGO_NATIVE=0), so both engine paths are tested wherever the addon was built. Cross-platform: no shell syntax.
'use strict'
const { spawnSync } = require('node:child_process')
const { join } = require('node:path')

const vitest = join(__dirname, '..', 'node_modules', 'vitest', 'vitest.mjs')
const suites = ['src/engine/models', 'src/engine/train', 'src/engine/backend']
const result = spawnSync(process.execPath, [vitest, 'run', ...suites], {
  stdio: 'inherit',
  // LIGO_NATIVE=0 switches the addon off, so CI's requirement that it be built does not apply to this pass
  env: { ...process.env, LIGO_NATIVE: '0', LIGO_REQUIRE_NATIVE: '' },
})
process.exit(result.status ?? 1)
