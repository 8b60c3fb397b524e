// The growth designer's pure rules, recipe and API contract (issue 11), shared by the renderer, host, engine and CLI.
export * from './sizes'
export * from './rules'
export * from './recipe'
export * from './contract'
export * from './speedup'
