// The headline's cells as words in the UI language: shared by the panel and the HTML report.
import { useI18n } from 'vue-i18n'
import type { PaperSaving } from '../../../../shared/metrics/paper-figures'
import type { HeadlineTarget, SavingCell } from './headline-rows'

const ENERGY_WORDS = ['measured', 'estimated', 'mixed', 'none', 'counter', 'power-integration', 'estimate']

export function useHeadlineText() {
  const { t, n } = useI18n()
  const pct = (v: number) => n(v / 100, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
  function cellText(c: SavingCell): string {
    switch (c.kind) {
      case 'saving': {
        const value = c.spread === null ? pct(c.mean) : t('runs.headline.plusMinus', { value: pct(c.mean), spread: n(c.spread, { maximumFractionDigits: 1 }) })
        return c.tie ? t('runs.headline.tie', { value }) : value
      }
      case 'never':
        return t('runs.headline.never')
      case 'baseline':
        return t('runs.headline.baseline')
      case 'no-scratch':
        return t('runs.headline.noScratch')
      case 'none':
        return '—'
    }
  }
  /** "estimated (estimate)" from the engine, word by word in the UI language. */
  const energyText = (text: string | null) => (text === null ? '—' : text.replace(/[a-z-]+/g, (word) => (ENERGY_WORDS.includes(word) ? t(`runs.energy.${word}`) : word)))
  const paperText = (p: PaperSaving | null) => (p ? t('runs.headline.paperCell', { flops: pct(p.flopsPercent), wall: p.wallPercent === null ? '—' : pct(p.wallPercent) }) : '—')
  const targetCaption = (target: HeadlineTarget) => t(`runs.headline.target.${target.kind}`, { loss: target.loss.toFixed(3) })
  const reachedText = (reached: number, runs: number) => t('runs.headline.reached', { reached, runs })
  return { cellText, energyText, paperText, targetCaption, reachedText }
}
