/**
 * A run's default name ("bert-small → bert-base: scratch vs ligo"), made of parts every side formats in its own
 * language: the host in English for Studio API clients that name no run, the window in the user's language
 * (renderer stores/run-name.ts) before it starts one.
 */
import { runTargetLabel, type RunTarget } from './growth-design'

export type RunNameParts =
  | { kind: 'train'; model: string; data: string }
  | { kind: 'grow'; from: string; to: string; method: string }
  | { kind: 'compare'; from: string; to: string; methods: string[] }

type NamedRun =
  | { kind: 'train'; params: { model: string; data: string } }
  | { kind: 'grow'; params: { from: string; to: RunTarget; method: string } }
  | { kind: 'compare'; params: { from: string; to: RunTarget; methods: string[] } }

/** A zoo id without its source prefix (preset:, seed:, lib:, run:). */
const short = (id: string) => id.replace(/^(preset|seed|lib|run):/, '')

export function runNameParts(run: NamedRun): RunNameParts {
  switch (run.kind) {
    case 'train':
      return { kind: 'train', model: short(run.params.model), data: run.params.data }
    case 'grow':
      return { kind: 'grow', from: short(run.params.from), to: short(runTargetLabel(run.params.to)), method: run.params.method }
    case 'compare':
      return { kind: 'compare', from: short(run.params.from), to: short(runTargetLabel(run.params.to)), methods: run.params.methods }
  }
}

/** The name in English, the host's default. */
export function englishRunName(parts: RunNameParts): string {
  switch (parts.kind) {
    case 'train':
      return `${parts.model} on ${parts.data}`
    case 'grow':
      return `${parts.from} → ${parts.to} (${parts.method})`
    case 'compare':
      return `${parts.from} → ${parts.to}: ${parts.methods.join(' vs ')}`
  }
}
