/**
 * The CLI's model arguments (`train --model`, `grow/compare --from`, `inspect`): the engine's one resolver, with the
 * default workspace (LIGO_WORKSPACE or ~/.ligo-studio, the one `ligo serve` opens) for "run:<id>", so a command the
 * designer shows for a run of the app works in a terminal as it is.
 */
import { resolveModelRef, type ModelLocation } from '../engine/library/model-ref'
import { defaultWorkspaceDir, workspacePaths } from '../engine/library/workspace'

export function cliModelRef(ref: string, cwd?: string): ModelLocation {
  return resolveModelRef(ref, { cwd, workspace: workspacePaths(defaultWorkspaceDir()) })
}
