import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@renderer': resolve(import.meta.dirname, 'src/renderer/src') } },
  test: {
    // Unit tests sit next to the code; test/ holds what spans modules. End-to-end tests (test/e2e) run
    // under `node --test` against the built app, not here.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'out/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: keep parallelism modest, engine tests spawn processes.
    maxWorkers: 2,
  },
})
