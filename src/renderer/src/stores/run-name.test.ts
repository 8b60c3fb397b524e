import { afterEach, describe, expect, it } from 'vitest'
import { englishRunName, runNameParts } from '../../../shared/run-names'
import { applyLocale } from '../i18n'
import { localRunName, withName } from './run-name'

const train = { kind: 'train' as const, params: { model: 'seed:bert-moby', data: 'moby-dick', steps: 30 } }
const grow = { kind: 'grow' as const, params: { from: 'lib:my-bert', to: 'preset:bert-base', method: 'ligo' } }
const compare = {
  kind: 'compare' as const,
  params: { from: 'seed:vit-mnist', to: { sizes: { numLayers: 8, hiddenSize: 96, numHeads: 3, intermediateSize: 384 } }, methods: ['scratch', 'ligo', 'net2net'] },
}

describe('run names', () => {
  afterEach(() => applyLocale('en', null))

  it('the window names a run in its language; the host names one in English from the same parts', () => {
    applyLocale('en', null)
    expect([train, grow, compare].map((run) => localRunName(run as never))).toEqual([
      'bert-moby on moby-dick',
      'my-bert → bert-base (ligo)',
      'vit-mnist → 8L · 96H · 3A · FFN 384: scratch vs ligo vs net2net',
    ])
    expect([train, grow, compare].map((run) => englishRunName(runNameParts(run as never)))).toEqual([train, grow, compare].map((run) => localRunName(run as never)))
    applyLocale('vi', null)
    expect(localRunName(train)).toBe('bert-moby trên moby-dick')
    expect(localRunName(compare as never)).toBe('vit-mnist → 8L · 96H · 3A · FFN 384: scratch so với ligo so với net2net')
  })

  it("keeps the user's own name, and names a run whose name is blank", () => {
    applyLocale('vi', null)
    expect(withName({ ...train, params: { ...train.params, name: 'Thử nghiệm 1' } }).name).toBe('Thử nghiệm 1')
    expect(withName({ ...train, params: { ...train.params, name: '  ' } }).name).toBe('bert-moby trên moby-dick')
    expect(withName(train)).toEqual({ ...train.params, name: 'bert-moby trên moby-dick' })
  })
})
