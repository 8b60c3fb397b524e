/**
 * A run's default name in the window's language, given when the window starts a run the user did not name (the
 * host would name it in English: shared/run-names.ts has the parts both sides format).
 */
import { runNameParts } from '../../../shared/run-names'
import { translate } from '../i18n'

type NamedRun = Parameters<typeof runNameParts>[0]

export function localRunName(run: NamedRun): string {
  const parts = runNameParts(run)
  switch (parts.kind) {
    case 'train':
      return translate('runs.defaultName.train', { model: parts.model, data: parts.data })
    case 'grow':
      return translate('runs.defaultName.grow', { from: parts.from, to: parts.to, method: parts.method })
    case 'compare':
      return translate('runs.defaultName.compare', { from: parts.from, to: parts.to, methods: parts.methods.join(` ${translate('runs.defaultName.versus')} `) })
  }
}

/** The run's params with a name: the user's, else the default in the window's language. */
export function withName<R extends NamedRun>(run: R): R['params'] & { name: string } {
  const given = (run.params as { name?: string }).name
  return { ...run.params, name: given !== undefined && given.trim() !== '' ? given : localRunName(run) }
}
