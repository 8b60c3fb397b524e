/**
 * The layering of docs/engineering/style.md ("Dependency rules"), checked by `npm run lint:deps` (part of npm test).
 * Type-only imports count too: a type from another layer is still a dependency of the contract.
 */
const ENGINE_FOLDERS = '(backend|data|experiments|growth|io|metrics|models|runtime|settings|tasks|train)'

module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-shared',
      comment: 'src/shared is the contract between processes: it imports nothing of the project outside itself, and no package that needs Node, Electron or a DOM.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'src/shared runs in the sandboxed renderer too: no Node built-ins.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'engine-no-ui-or-electron',
      comment: 'The engine runs in its own process, in the CLI and in tests: never electron, vue, pinia or DOM code.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^node_modules/(electron|vue|pinia|@vue|vue-i18n|uplot)/', '^src/(main|preload|renderer)/'] },
    },
    {
      name: 'engine-not-above-itself',
      comment: 'Engine code does not import the host or the CLI that drive it (tests of a CLI command belong with the CLI or in test/).',
      severity: 'error',
      from: { path: '^src/engine/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(host|cli)/' },
    },
    {
      name: 'renderer-only-shared-and-itself',
      comment: "The renderer is sandboxed: it imports src/shared and its own code, never the engine, host, main, preload code, Node built-ins or electron. The preload's type declarations (api.d.ts: the bridge's type) are part of the renderer's type world (tsconfig.web.json).",
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: ['^src/(engine|host|main|preload|cli)/', '^node_modules/electron/'], pathNot: '^src/preload/[^/]+\\.d\\.ts$' },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src/renderer/', pathNot: '\\.(test|spec)\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-cycles-between-engine-folders',
      comment: 'A cycle inside one engine folder is that folder\'s business; between folders it means the layering is unclear.',
      severity: 'error',
      from: { path: `^src/engine/${ENGINE_FOLDERS}/` },
      to: { circular: true, viaSomeNot: [`^src/engine/$1/`] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.vue', '.json', '.d.ts'] },
    moduleSystems: ['es6', 'cjs'],
  },
}
