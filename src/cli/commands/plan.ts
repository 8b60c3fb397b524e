/**
 * `ligo plan gstack`: G_stack's planner (engine/growth/gstack.ts, docs/growth/gstack.md) on the command line: how many
 * tokens to train the base model on before stacking it (the paper's fitted rule, Eq. 2, clamped to a share of the
 * budget), the growth factor g with the paper's range, and the conversion between the paper's "speedup" and the
 * saving our tables report. No engine process: the planner is arithmetic.
 */
import { GSTACK_MAX_BASE_FRACTION, GSTACK_PAPER_FACTOR, planGStack, savingFromSpeedup, speedupFromSaving, type GStackPlan } from '../../engine/growth'
import { parameterCount } from '../../engine/models/param-count'
import { getPreset, PRESET_IDS } from '../../engine/models/presets'
import { realFlag, UsageError, type CommandSpec } from '../args'
import type { CliContext } from '../context'

export interface PlanFlags {
  method: string
  tokens: string | undefined
  to: string | undefined
  params: string | undefined
  from: string | undefined
  'base-layers': number | undefined
  'target-layers': number | undefined
  'max-base-fraction': string
  speedup: string | undefined
  saving: string | undefined
  json: boolean
}

/** The methods with a planner. */
const PLANNERS = ['gstack'] as const

export interface GStackPlanResult {
  targetParameters?: number
  targetTokens?: number
  /** The pair's layers; absent when not given (then g is the paper's 4). */
  layers?: { base: number; target: number }
  plan?: GStackPlan
  /** FLOPs of the base model's training on the planned tokens (6·N_base·d), when the base model is known. */
  baseFlops?: number
  speedup?: number
  saving?: number
}

function preset(flag: string, id: string) {
  if (!PRESET_IDS.includes(id)) throw new UsageError(`Unknown model preset "${id}" for --${flag}. Expected one of: ${PRESET_IDS.join(', ')}.`, 'plan')
  return getPreset(id).config
}

/** The plan for the flags (pure: what `ligo plan gstack` prints). */
export function gstackPlanFromFlags(flags: PlanFlags): GStackPlanResult {
  if (!(PLANNERS as readonly string[]).includes(flags.method)) throw new UsageError(`No planner for "${flags.method}". Planners: ${PLANNERS.join(', ')}.`, 'plan')
  const real = (flag: keyof PlanFlags & string, min: number) => realFlag('plan', flag, flags[flag] as string | undefined, min)
  const result: GStackPlanResult = {}
  const speedup = real('speedup', 0)
  const saving = real('saving', 0)
  if (saving !== undefined && saving >= 1) throw new UsageError(`Invalid value "${flags.saving}" for --saving: expected a share from 0 to below 1 (0.353 for 35.3%).`, 'plan')
  if (speedup !== undefined) Object.assign(result, { speedup, saving: savingFromSpeedup(speedup) })
  else if (saving !== undefined) Object.assign(result, { saving, speedup: speedupFromSaving(saving) })
  const tokens = real('tokens', 1)
  if (tokens === undefined) {
    if (speedup === undefined && saving === undefined) throw new UsageError('Give --tokens with --to or --params (a plan), or --speedup or --saving (a conversion).', 'plan')
    return result
  }
  const target = flags.to === undefined ? null : preset('to', flags.to)
  const base = flags.from === undefined ? null : preset('from', flags.from)
  if (target && flags.params !== undefined) throw new UsageError('--to and --params both give the target size: use one.', 'plan')
  const targetParameters = target ? parameterCount(target) : real('params', 1)
  if (targetParameters === undefined) throw new UsageError('A plan needs the target size: --to <preset> or --params <N>.', 'plan')
  const maxBaseFraction = real('max-base-fraction', 0)!
  if (maxBaseFraction > 1) throw new UsageError(`Invalid value "${flags['max-base-fraction']}" for --max-base-fraction: expected a share from 0 to 1.`, 'plan')
  const targetLayers = flags['target-layers'] ?? target?.numLayers
  const baseLayers = flags['base-layers'] ?? base?.numLayers
  const known = targetLayers !== undefined && baseLayers !== undefined
  const plan = planGStack({
    targetParameters,
    targetTokens: tokens,
    maxBaseFraction,
    baseLayers: known ? baseLayers : 1,
    targetLayers: known ? targetLayers : GSTACK_PAPER_FACTOR,
  })
  Object.assign(result, { targetParameters, targetTokens: tokens, ...(known ? { layers: { base: baseLayers, target: targetLayers } } : {}), plan })
  if (base) result.baseFlops = 6 * parameterCount(base) * plan.baseTokens
  return result
}

const sci = (n: number) => n.toExponential(3)
const percent = (share: number) => `${(100 * share).toFixed(1)}%`

function formatPlan(r: GStackPlanResult, flags: PlanFlags): string {
  const lines: string[] = []
  if (r.plan) {
    const p = r.plan
    lines.push("G_stack plan (Du et al., NeurIPS 2024, Eq. 2: log10 d = 0.88·log10 N + 163.27/log10(6ND) − 5.74)")
    lines.push(`  target:            ${sci(r.targetParameters!)} parameters, ${sci(r.targetTokens!)} tokens`)
    if (!r.layers) lines.push(`  growth factor g:   ${GSTACK_PAPER_FACTOR} (the paper's; give --from or --base-layers and --to or --target-layers for your pair)`)
    else lines.push(`  growth factor g:   ${Number(p.g.toFixed(3))} (${r.layers.base} -> ${r.layers.target} layers)`)
    lines.push(`  base tokens, rule: ${sci(p.ruleBaseTokens)}`)
    lines.push(`  base tokens, plan: ${sci(p.baseTokens)}${p.clamped ? ` (clamped to ${percent(Number(flags['max-base-fraction']))} of the budget)` : ''}`)
    if (r.baseFlops !== undefined) lines.push(`  base training:     ${sci(r.baseFlops)} FLOPs (6·N_base·d), charged to G_stack as its paper does (--gstack-base-tokens)`)
    for (const note of p.notes) lines.push(`  note: ${note}`)
  }
  if (r.speedup !== undefined) lines.push(`Speedup ${percent(r.speedup)} (the paper's C_scratch/C_method − 1) = saving ${percent(r.saving!)} (1 − C_method/C_scratch, our tables)`)
  return lines.join('\n') + '\n'
}

export async function runPlan(flags: PlanFlags, context: CliContext): Promise<number> {
  const result = gstackPlanFromFlags(flags)
  context.stdout(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatPlan(result, flags))
  return 0
}

export const PLAN_COMMAND: CommandSpec<PlanFlags> = {
  name: 'plan',
  summary: "Plan a growth: G_stack's base-model tokens and growth factor, speedup <-> saving",
  usage: 'ligo plan gstack --tokens <D> (--to <preset> | --params <N>) [--from <preset> | --base-layers <L>] [--max-base-fraction 0.1] [--speedup x | --saving s] [--json]',
  description:
    "G_stack (docs/growth/gstack.md) trains a base model on d tokens, then stacks it g times into the target. The paper's " +
    'fitted rule (Eq. 2) gives d from the target\'s parameters N and training tokens D; at desktop scale it asks for ' +
    `more than the budget, so d is clamped to --max-base-fraction of D (default ${GSTACK_MAX_BASE_FRACTION}). g = target layers / base ` +
    `layers; the paper found 2-4 best and used ${GSTACK_PAPER_FACTOR}. --speedup / --saving convert the paper's metric ` +
    '(C_scratch/C_method − 1) and the saving the comparison tables report (1 − C_method/C_scratch).',
  positionals: [{ name: 'method', help: `the method to plan (${PLANNERS.join(', ')})`, required: true }],
  flags: [
    { name: 'tokens', type: 'string', valueName: 'D', help: 'Tokens the target model trains on (its budget), e.g. 2e12' },
    { name: 'to', type: 'string', valueName: 'preset', help: `The target model (${PRESET_IDS.join(', ')}): its parameters and layers` },
    { name: 'params', type: 'string', valueName: 'N', help: 'The target\'s parameters, instead of --to (e.g. 7e9)' },
    { name: 'from', type: 'string', valueName: 'preset', help: 'The base model: its layers give g, its parameters the base training\'s FLOPs' },
    { name: 'base-layers', type: 'integer', valueName: 'L', min: 1, max: 100000, help: 'Layers of the base model, instead of --from' },
    { name: 'target-layers', type: 'integer', valueName: 'L', min: 1, max: 100000, help: 'Layers of the target, with --params' },
    { name: 'max-base-fraction', type: 'string', valueName: 'share', default: String(GSTACK_MAX_BASE_FRACTION), help: 'Most of the budget the base model may train on' },
    { name: 'speedup', type: 'string', valueName: 'x', help: "The paper's speedup to convert to a saving (0.546 for 54.6%)" },
    { name: 'saving', type: 'string', valueName: 's', help: 'A saving to convert to the paper\'s speedup (0.353 for 35.3%)' },
    { name: 'json', type: 'boolean', help: 'Print the plan as JSON' },
  ],
  examples: [
    'ligo plan gstack --params 7e9 --tokens 2e12 --base-layers 8 --target-layers 32',
    'ligo plan gstack --to gpt2-mini-grown --from gpt2-mini --tokens 1e8',
    'ligo plan gstack --speedup 0.546',
  ],
  run: runPlan,
}
