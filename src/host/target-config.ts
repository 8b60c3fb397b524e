/**
 * The target of a grow or compare run (startGrow / startCompare `to`, shared/growth-design RunTarget). A preset id,
 * zoo model id or config file goes to the engine as `ligo grow --to` takes it. The designer's sizes are checked
 * against the source with the designer's own rules (shared/growth-design/rules.ts), then written as an engine config
 * JSON into the run folder (atomically: engine/io/atomic-write.ts), and that file is the engine's `to`; it stays
 * beside the run's outputs, so a resumed run and a reader of the folder see the exact target.
 */
import { join } from 'node:path'
import { applySizes, assertTargetSizes, type DesignConfig, type RunTarget } from '../shared/growth-design'
import { MODEL_ID_PATTERN } from '../shared/models'
import { writeFileAtomic } from '../engine/io/atomic-write'
import { validateConfig, type ModelConfig } from '../engine/models/config'
import { resolveDesignSource } from './handlers/design-handlers'
import type { StudioContext } from './studio-context'

/** The target config of a run given by sizes, in its run folder. */
export const TARGET_CONFIG_FILE = 'target-config.json'

/**
 * The full target config of a run given by sizes (the source's config, read header-only, with the sizes applied);
 * null when `to` already names something the engine reads. Throws invalid_request with the rules' reasons.
 */
export async function inlineTargetConfig(context: StudioContext, from: string, to: RunTarget, where: string): Promise<ModelConfig | null> {
  if (typeof to === 'string') return null
  const source = await resolveDesignSource(context, from)
  assertTargetSizes(source.config as unknown as DesignConfig, to.sizes, `${where}.to`)
  return validateConfig(applySizes(source.config as unknown as DesignConfig, to.sizes))
}

/** Writes the target config into the run folder; returns its path. */
export async function writeTargetConfig(runDir: string, config: ModelConfig): Promise<string> {
  const file = join(runDir, TARGET_CONFIG_FILE)
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify(config, null, 2)}\n`))
  return file
}

/** The engine's `to` for a run: the run folder's target config for sizes, a zoo id through the resolver, else as given. */
export function engineTarget(to: RunTarget, runDir: string, resolveModelId: (id: string) => string): string {
  if (typeof to !== 'string') return join(runDir, TARGET_CONFIG_FILE)
  return MODEL_ID_PATTERN.test(to) ? resolveModelId(to) : to
}
