/**
 * The `ligo` program as a function: main(argv, io) parses, dispatches to a command from the table and returns
 * the exit code (0 ok, 1 failure, 2 usage error). index.ts calls it with the real process; tests with fakes.
 */
import { version as PACKAGE_VERSION } from '../../package.json'
import { createEngineHost } from '../host/engine-client'
import { createNodeEngineLauncher, defaultEngineEntry } from '../host/node-launcher'
import { UsageError, closest, flagNamesIn, parseFlags } from './args'
import { COMMANDS, findCommand } from './commands'
import type { CliContext, CliIo, EngineChoice } from './context'
import { errorReport } from './error-report'
import { commandHelp, generalHelp } from './help'

export type MainIo = CliIo & Partial<Pick<CliContext, 'version' | 'startEngine' | 'rendererRoot'>>

/** The built engine (out/main/engine.js) as a child process; its output goes to stderr so stdout stays clean (--json). */
function nodeEngineStarter(io: CliIo): (choice: EngineChoice) => ReturnType<typeof createEngineHost> {
  return (choice) => {
    const launcher = createNodeEngineLauncher({ entry: defaultEngineEntry(), onLog: (line) => io.stderr(`[engine] ${line}\n`) })
    return createEngineHost(launcher, choice)
  }
}

function unknownCommand(name: string): UsageError {
  if (name.startsWith('-')) return new UsageError(`Unknown flag "${name}".`, null)
  const guess = closest(name, COMMANDS.map((c) => c.name))
  return new UsageError(`Unknown command "${name}".${guess ? ` Did you mean "${guess}"?` : ''}`, null)
}

async function dispatch(argv: readonly string[], context: CliContext): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '-h' || first === '--help') {
    context.stdout(generalHelp(context.version))
    return 0
  }
  if (first === '-V' || first === '--version') {
    context.stdout(`ligo ${context.version}\n`)
    return 0
  }
  if (first === 'help') {
    if (rest.length === 0) {
      context.stdout(generalHelp(context.version))
      return 0
    }
    const command = findCommand(rest[0])
    if (!command) throw unknownCommand(rest[0])
    context.stdout(commandHelp(command))
    return 0
  }
  const command = findCommand(first)
  if (!command) throw unknownCommand(first)
  const flagArgs = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest
  if (flagArgs.includes('--help') || flagArgs.includes('-h')) {
    context.stdout(commandHelp(command))
    return 0
  }
  return command.run(parseFlags(command, rest) as never, context)
}

export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const context: CliContext = {
    ...io,
    version: io.version ?? PACKAGE_VERSION,
    startEngine: io.startEngine ?? nodeEngineStarter(io),
    rendererRoot: io.rendererRoot ?? null,
  }
  let code: number
  try {
    code = await dispatch(argv, context)
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command === null ? 'ligo --help' : `ligo ${error.command} --help`
      io.stderr(`ligo: ${error.message}\nRun "${help}" for usage.\n`)
      code = 2
    } else {
      const command = argv[0] ? findCommand(argv[0]) : undefined
      io.stderr(errorReport(command ? `ligo ${argv[0]}` : 'ligo', error, command ? (message) => flagNamesIn(message, command.flags) : undefined))
      code = 1
    }
  }
  io.exit(code)
  return code
}
