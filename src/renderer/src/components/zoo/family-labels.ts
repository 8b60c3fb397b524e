/** How each model family is written (proper names, the same in every language); unknown ones show as given. */
export const FAMILY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  bert: 'BERT',
  roberta: 'RoBERTa',
  gpt2: 'GPT-2',
  vit: 'ViT',
  deit: 'DeiT',
  cait: 'CaiT',
})

export function familyLabel(family: string): string {
  return FAMILY_LABELS[family] ?? family
}
