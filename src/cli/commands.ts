/**
 * The `ligo` commands as data: name, summary, usage, description, flags and examples. Help text and flag
 * validation are generated from this table; adding a command here is enough for both.
 */
import { DEFAULT_HOST, DEFAULT_PORT } from '../host/serve/http-server'
import { BACKEND_ENV_VAR } from '../shared'
import type { CommandSpec } from './args'
import { BACKEND_FLAG } from './backend-flag'
import { ENERGY_FLAGS } from './energy-flags'
import { runInfo, type InfoFlags } from './commands/info'
import { runServe, type ServeFlags } from './commands/serve'
import { INSPECT_COMMAND } from './commands/inspect'
import { FORWARD_COMMAND } from './commands/forward'
import { EXPORT_COMMAND } from './commands/export'
import { TRAIN_COMMAND } from './commands/train'
import { FLOPS_COMMAND } from './commands/flops'
import { GROW_COMMAND } from './commands/grow'
import { COMPARE_COMMAND } from './commands/compare'
import { PLAN_COMMAND } from './commands/plan'

const info: CommandSpec<InfoFlags> = {
  name: 'info',
  summary: 'Show the compute backend, CPU, memory and GPU the engine uses, and how to get a faster one',
  usage: 'ligo info [--json] [--backend <name>] [--grid-region <code>] [--pue <ratio>] [--grid-intensity <g/kWh>]',
  description:
    'Starts the engine and prints its hardware record: the TensorFlow.js backend in use and why each faster ' +
    'backend was skipped, the CPU (model, cores, SIMD), memory, GPUs, and advice; then the energy sources found (measured ' +
    'or estimated, and how to make an unreadable one readable) and the carbon assumptions (grid intensity with its source and year, PUE).',
  flags: [{ name: 'json', type: 'boolean', help: 'Print the record as JSON (for scripts)' }, BACKEND_FLAG, ...ENERGY_FLAGS],
  examples: ['ligo info', 'ligo info --json', `${BACKEND_ENV_VAR}=cpu ligo info`, 'ligo info --grid-region DE --pue 1.2'],
  run: runInfo,
}

const serve: CommandSpec<ServeFlags> = {
  name: 'serve',
  summary: 'Serve LiGO Studio to a web browser',
  usage: 'ligo serve [--host <address>] [--port <N>] [--no-token] [--backend <name>] [--workspace <dir>] [--max-upload <MB>]',
  description:
    'Runs the Studio UI as a local web server and prints its URL with an access token (open it in a browser). ' +
    'Listens on 127.0.0.1 unless --host says otherwise. The workspace folder holds the model library, runs, exports, ' +
    'uploads and the settings (default: LIGO_WORKSPACE or ~/.ligo-studio). Stop it with Ctrl+C.',
  flags: [
    { name: 'host', type: 'string', valueName: 'address', default: DEFAULT_HOST, help: 'Address to listen on; a non-loopback address is reachable from other machines' },
    { name: 'port', type: 'integer', valueName: 'N', min: 0, max: 65535, default: DEFAULT_PORT, help: 'Port to listen on; 0 picks a free one' },
    { name: 'no-token', type: 'boolean', help: 'Do not require the access token (only with a loopback --host)' },
    BACKEND_FLAG,
    { name: 'workspace', type: 'string', valueName: 'dir', help: 'Workspace folder (created if missing); default LIGO_WORKSPACE or ~/.ligo-studio' },
    { name: 'max-upload', type: 'integer', valueName: 'MB', min: 1, max: 1_000_000, help: 'Largest file a browser may upload, in MB (default 4096)' },
  ],
  examples: ['ligo serve', 'ligo serve --port 0', 'ligo serve --host 0.0.0.0 --port 8080', 'ligo serve --workspace ~/ligo-work --max-upload 8000'],
  run: runServe,
}

export const COMMANDS: readonly CommandSpec<never>[] = [info, serve, INSPECT_COMMAND, FORWARD_COMMAND, EXPORT_COMMAND, TRAIN_COMMAND, FLOPS_COMMAND, GROW_COMMAND, COMPARE_COMMAND, PLAN_COMMAND]

export function findCommand(name: string): CommandSpec<never> | undefined {
  return COMMANDS.find((command) => command.name === name)
}
