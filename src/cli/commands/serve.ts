/**
 * `ligo serve`: the Studio UI for a browser, on this machine. Prints a URL with the access token, serves until
 * SIGINT / SIGTERM, then closes the sockets and stops the engine.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { defaultWorkspaceDir } from '../../engine/library/workspace'
import { DEFAULT_MAX_UPLOAD_BYTES, serializeError } from '../../shared'
import { isLoopbackHost, startServer, type RunningServer } from '../../host/serve/http-server'
import { UsageError } from '../args'
import { backendChoice } from '../backend-flag'
import type { CliContext } from '../context'
import { defaultRendererRoot } from '../paths'

export interface ServeFlags {
  host: string
  port: number
  'no-token': boolean
  backend: string | undefined
  workspace: string | undefined
  'max-upload': number | undefined
}

const MB = 1024 * 1024

const expandHome = (path: string): string => (path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path)

function waitForShutdownSignal(context: CliContext): Promise<string> {
  return new Promise((done) => {
    const stop = context.onShutdownSignal((signal) => {
      // After the first signal the default handling returns, so a second Ctrl+C ends the process at once.
      stop()
      done(signal)
    })
  })
}

export async function runServe(flags: ServeFlags, context: CliContext): Promise<number> {
  const choice = backendChoice('serve', flags.backend, context.env)
  if (flags['no-token'] && !isLoopbackHost(flags.host)) {
    throw new UsageError(`--no-token is only allowed with a loopback --host (127.0.0.1, ::1, localhost), not ${flags.host}.`, 'serve')
  }
  const workspaceDir = flags.workspace === undefined ? defaultWorkspaceDir(context.env) : resolve(expandHome(flags.workspace))
  const engine = context.startEngine(choice)
  let server: RunningServer
  try {
    server = await startServer({
      engine,
      version: context.version,
      rendererRoot: context.rendererRoot ?? defaultRendererRoot(),
      host: flags.host,
      port: flags.port,
      requireToken: !flags['no-token'],
      workspaceDir,
      maxUploadBytes: (flags['max-upload'] ?? DEFAULT_MAX_UPLOAD_BYTES / MB) * MB,
    })
  } catch (error) {
    await engine.stop()
    context.stderr(`ligo serve: ${serializeError(error).message}\n`)
    return 1
  }
  for (const warning of server.warnings) context.stderr(`Warning: ${warning}\n`)
  context.stdout(`LiGO Studio ${context.version} is serving at:\n\n    ${server.url}\n\n`)
  context.stdout(server.token === null ? 'No token: anyone on this machine can use it.\n' : 'The URL carries the access token; keep it private.\n')
  context.stdout(`Workspace: ${workspaceDir}\n`)
  context.stdout('Press Ctrl+C to stop.\n')

  // Start the engine now, so its backend (or why it failed) shows up before the first click.
  let stopping = false
  engine.call('hardware', {}).then(
    (record) => stopping || context.stderr(`Engine ready: backend ${record.backend}.\n`),
    (error: unknown) => stopping || context.stderr(`Engine did not start: ${serializeError(error).message} (it is retried on the next request)\n`),
  )

  const signal = await waitForShutdownSignal(context)
  stopping = true
  context.stderr(`${signal}: closing connections and stopping the engine.\n`)
  await server.close()
  return 0
}
