#!/usr/bin/env node
// `npm run fuzz`: the reader fuzzing suite (test/fuzz) with many more cases than `npm test` runs, from fresh random
// seeds (fast-check prints the seed and the shrunk input of a failure, to replay it). LIGO_FUZZ_RUNS sets the cases
// per reader (default 2000). Cross-platform: no shell syntax.
'use strict'
const { spawnSync } = require('node:child_process')
const { join } = require('node:path')

const vitest = join(__dirname, '..', 'node_modules', 'vitest', 'vitest.mjs')
const runs = process.env.LIGO_FUZZ_RUNS || '2000'
const result = spawnSync(process.execPath, [vitest, 'run', 'test/fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, LIGO_FUZZ_RUNS: runs },
})
process.exit(result.status ?? 1)
