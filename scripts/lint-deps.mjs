/**
 * `npm run lint:deps`: the layering rules of .dependency-cruiser.cjs (docs/engineering/style.md "Dependency rules")
 * over src/. Uses dependency-cruiser's API rather than its CLI: the CLI refuses Node 20 by version number alone,
 * while the API runs on it (the project's Node, .nvmrc / package.json engines).
 */
import { createRequire } from 'node:module'
import { cruise } from 'dependency-cruiser'

const require = createRequire(import.meta.url)
const config = require('../.dependency-cruiser.cjs')
const result = await cruise(['src'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } })
const violations = result.output.summary.violations
for (const v of violations) {
  const via = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name ?? c).join(' -> ')})` : ''
  process.stderr.write(`${v.rule.name}: ${v.from} -> ${v.to}${via}\n`)
}
process.stderr.write(`lint:deps: ${result.output.summary.totalCruised} modules, ${violations.length} violation(s)\n`)
process.exit(violations.length > 0 ? 1 : 0)
