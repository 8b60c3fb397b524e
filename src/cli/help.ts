/** Help text, generated from the command table (commands.ts). */
import { BACKEND_ENV_VAR, BACKEND_PREFERENCE } from '../shared'
import type { CommandSpec, FlagSpec } from './args'
import { COMMANDS } from './commands'

function columns(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')
}

function flagLabel(flag: FlagSpec): string {
  return flag.type === 'boolean' ? `--${flag.name}` : `--${flag.name} <${flag.valueName ?? 'value'}>`
}

function flagHelp(flag: FlagSpec): string {
  return flag.default === undefined || flag.type === 'boolean' ? flag.help : `${flag.help} (default: ${flag.default})`
}

export function generalHelp(version: string): string {
  return [
    `ligo ${version}: grow pretrained transformers with LiGO, from the command line`,
    '',
    'Usage: ligo <command> [flags]',
    '',
    'Commands:',
    columns(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Flags:',
    columns([
      ['-h, --help', 'Show this help; "ligo <command> --help" shows a command\'s flags'],
      ['-V, --version', 'Print the version'],
    ]),
    '',
    'Environment:',
    columns([[BACKEND_ENV_VAR, `Force a backend (${BACKEND_PREFERENCE.join(', ')}); a --backend flag wins`]]),
    '',
  ].join('\n')
}

export function commandHelp(command: CommandSpec<never>): string {
  const flags: Array<[string, string]> = [...command.flags.map((f): [string, string] => [flagLabel(f), flagHelp(f)]), ['-h, --help', 'Show this help']]
  return [
    `Usage: ${command.usage}`,
    '',
    command.description,
    '',
    ...((command.positionals ?? []).length > 0 ? ['Arguments:', columns((command.positionals ?? []).map((p): [string, string] => [`<${p.name}>`, p.help])), ''] : []),
    'Flags:',
    columns(flags),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n')
}
