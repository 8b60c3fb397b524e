/**
 * Checkpoint forward pass across the engine boundary (`ligo forward`): HuggingFace input names in, logits out
 * with the shape transformers/timm return (text [B][T][V]; vision [B][K], DeiT with teacher the mean of its
 * two heads).
 */

/** `input_ids` (+ optional `attention_mask`, `token_type_ids`) for text, `pixel_values` [B][C][H][W] for vision. */
export interface CheckpointForwardInput {
  input_ids?: number[][]
  attention_mask?: number[][]
  token_type_ids?: number[][]
  pixel_values?: number[][][][]
}

export interface CheckpointForwardResult {
  logits: number[][] | number[][][]
  shape: number[]
  family: string
  /** The class the checkpoint was saved as (e.g. GPT2LMHeadModel). */
  sourceClass: string
  /** Import warnings and assumptions (e.g. an assumed head count). */
  warnings: string[]
}
