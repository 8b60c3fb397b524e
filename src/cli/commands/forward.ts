/**
 * `ligo forward <checkpoint> --input <json> [--output <json>]`: runs the checkpoint in the engine on
 * HuggingFace-named inputs and writes {"logits": ...} shaped as transformers/timm return it, so outputs can be
 * compared with another implementation.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { writeFileAtomic } from '../../engine/io/atomic-write'
import { locateCheckpoint } from '../../engine/io/import-checkpoint'
import { StudioError } from '../../shared'
import { UsageError } from '../args'
import { BACKEND_FLAG, backendChoice } from '../backend-flag'
import type { CommandSpec } from '../args'
import type { CliContext } from '../context'

export interface ForwardFlags {
  checkpoint: string
  input: string | undefined
  output: string | undefined
  backend: string | undefined
}

async function readInput(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new StudioError('invalid_request', `cannot read --input ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new StudioError('invalid_request', `--input ${path} is not valid JSON (${(error as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StudioError('invalid_request', `--input ${path} must hold a JSON object such as {"input_ids": [[...]]} or {"pixel_values": [[[[...]]]]}`)
  }
  return parsed as Record<string, unknown>
}

export async function runForward(flags: ForwardFlags, context: CliContext): Promise<number> {
  const checkpoint = resolve(flags.checkpoint)
  const files = await locateCheckpoint(checkpoint) // fails fast, before an engine starts
  const input = await readInput(flags.input!)
  const engine = context.startEngine(backendChoice('forward', flags.backend, context.env))
  try {
    const result = await engine.call('checkpointForward', { checkpoint, input })
    for (const warning of result.warnings) context.stderr(`ligo forward: ${warning}\n`)
    const body = `${JSON.stringify({ logits: result.logits })}\n`
    if (flags.output === undefined) {
      context.stdout(body)
    } else {
      const protectedPaths = [files.weights, ...(files.configPath ? [files.configPath] : []), resolve(flags.input!)]
      await writeFileAtomic(resolve(flags.output), Buffer.from(body), { protectedPaths })
      context.stdout(`${result.sourceClass} (${result.family}): logits [${result.shape.join(', ')}] written to ${flags.output}\n`)
    }
    return 0
  } finally {
    await engine.stop()
  }
}

export const FORWARD_COMMAND: CommandSpec<ForwardFlags> = {
  name: 'forward',
  summary: 'Run a checkpoint on HuggingFace-style inputs and write its logits as JSON',
  usage: 'ligo forward <checkpoint> --input <json> [--output <json>] [--backend <name>]',
  description:
    'Imports the checkpoint, runs it in the engine and writes {"logits": ...} with the shape transformers/timm ' +
    'return: text models [batch][sequence][vocab], vision models [batch][classes] (DeiT with teacher: the mean ' +
    'of its two heads). The input file uses HuggingFace names: {"input_ids": [[...]], "attention_mask": ..., ' +
    '"token_type_ids": ...} for text, {"pixel_values": [batch][channels][height][width]} for vision. ' +
    'Without --output the JSON goes to stdout.',
  positionals: [{ name: 'checkpoint', help: 'checkpoint folder or weights file', required: true }],
  flags: [
    { name: 'input', type: 'string', valueName: 'json', help: 'Input JSON file (HuggingFace input names)' },
    { name: 'output', type: 'string', valueName: 'json', help: 'Where to write {"logits": ...} (default: stdout)' },
    BACKEND_FLAG,
  ],
  examples: ['ligo forward ./gpt2 --input ids.json --output logits.json', 'ligo forward vit.bin --input pixels.json'],
  run: async (flags, context) => {
    if (flags.input === undefined) throw new UsageError('--input <json> is required.', 'forward')
    return runForward(flags, context)
  },
}
