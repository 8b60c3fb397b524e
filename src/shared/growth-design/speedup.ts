/**
 * G_stack reports "speedup" sp = C_scratch / C_method − 1 (its App. B.2); our tables report the saving
 * s = 1 − C_method / C_scratch. They convert as s = sp / (1 + sp) (docs/growth/gstack.md "Reporting"): the engine's
 * reports and the designer's G_stack planner use these two functions.
 */
export const speedupFromSaving = (saving: number): number => saving / (1 - saving)
export const savingFromSpeedup = (speedup: number): number => speedup / (1 + speedup)
