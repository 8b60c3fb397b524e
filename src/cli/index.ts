// The `ligo` program (built to out/main/cli.js; bin/ligo.js runs it). All logic is in main.ts.
import { main } from './main'
import { processIo } from './process-io'

void main(process.argv.slice(2), processIo())
