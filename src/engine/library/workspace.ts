/**
 * The workspace folder: everything the Studio keeps for the user.
 *   <workspace>/library/index.json   imported models (by reference or uploaded), library-index.ts
 *   <workspace>/runs/<id>/           one folder per run (train, grow, compare), run-store in src/host
 *   <workspace>/exports/<name>/      exports made without a chosen destination (`ligo serve`)
 *   <workspace>/uploads/             files uploaded by `ligo serve`, then imported from there
 * Desktop: the app's user-data folder unless changed in Settings; `ligo serve --workspace DIR`; default
 * ~/.ligo-studio (LIGO_WORKSPACE overrides it).
 */
import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { InputError } from '../runtime/input-error'

export const WORKSPACE_ENV_VAR = 'LIGO_WORKSPACE'
export const WORKSPACE_FOLDERS = ['library', 'runs', 'exports', 'uploads'] as const
export type WorkspaceFolder = (typeof WORKSPACE_FOLDERS)[number]

export interface Workspace {
  readonly root: string
  readonly library: string
  readonly runs: string
  readonly exports: string
  readonly uploads: string
}

/** LIGO_WORKSPACE when set, else ~/.ligo-studio. */
export function defaultWorkspaceDir(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const fromEnv = env[WORKSPACE_ENV_VAR]?.trim()
  return fromEnv ? resolve(fromEnv) : join(home, '.ligo-studio')
}

/** The workspace's folders under `root`, nothing created (readers: the CLI resolving "run:<id>"). */
export function workspacePaths(root: string): Workspace {
  if (!isAbsolute(root)) throw new InputError(`The workspace folder must be an absolute path, got "${root}"`)
  const absolute = resolve(root)
  const folders = Object.fromEntries(WORKSPACE_FOLDERS.map((name) => [name, join(absolute, name)])) as Record<WorkspaceFolder, string>
  return { root: absolute, ...folders }
}

/** The workspace at `root`, its folders created when missing. */
export function openWorkspace(root: string): Workspace {
  const workspace = workspacePaths(root)
  for (const folder of WORKSPACE_FOLDERS) mkdirSync(workspace[folder], { recursive: true })
  return workspace
}

/** True when `path` is `folder` itself or lies inside it (both absolute; no symbolic-link resolution here). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`))
}
