/**
 * Installers (electron-builder): Linux AppImage + deb, Windows NSIS, macOS dmg + zip. `npm run dist` builds the
 * current platform's; scripts/packaging/README.md says what each choice is for and how to build offline.
 * Product name and version come from package.json (productName, version); nothing here repeats them.
 */
import type { Configuration } from 'electron-builder'
import { flipAppFuses } from './scripts/packaging/fuses'
import { APP_ID, LINUX_EXECUTABLE_NAME } from './src/main/app-identity'

/** Where the app looks for its parts once installed; the engine and src/engine/seeds.ts rely on these paths. */
export const PACKAGED_LAYOUT = Object.freeze({
  /** The built-in seeds, outside the asar archive: <resources>/seeds (src/engine/seeds.ts looks there first). */
  seeds: { from: 'resources/seeds', to: 'seeds' },
  /** Native kernels addon (native/, Node-API so it loads in Electron's Node without a rebuild). */
  nativeAddon: 'native/build/Release/ligo_kernels.node',
  nativeStatus: 'native/build/status.json',
  /** Help > README opens <resources>/README.md (src/main/desktop-app.ts). */
  readme: { from: 'README.md', to: 'README.md' },
})

const config: Configuration = {
  appId: APP_ID,
  copyright: 'Copyright © 2026 LiGO Studio contributors',
  directories: { output: 'dist', buildResources: 'resources/icons' },
  // out/ is electron-vite's build (main, engine, CLI, preload, renderer); production node_modules are added by
  // electron-builder itself. Seeds travel as extra resources, not inside the archive.
  files: ['out/**/*', '!out/**/*.map', 'package.json', PACKAGED_LAYOUT.nativeAddon, PACKAGED_LAYOUT.nativeStatus],
  extraResources: [{ ...PACKAGED_LAYOUT.seeds }, PACKAGED_LAYOUT.readme],
  asar: true,
  // A .node file cannot be loaded from inside an archive, and tfjs-node's addon loads libtensorflow from its own
  // package folder by relative path: the whole package stays outside. The WebAssembly backend's .wasm binaries
  // are loaded by path too (select-backend.ts setWasmPaths); outside the archive any loader can read them.
  asarUnpack: [
    'native/build/**/*.node',
    'node_modules/@tensorflow/tfjs-node/**/*',
    'node_modules/@tensorflow/tfjs-node-gpu/**/*',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
  ],
  // Rebuild native dependencies for Electron's ABI where they have sources (electron-builder's install-app-deps);
  // prebuilt Node-API binaries (tfjs-node, the kernels addon) are ABI-stable and are kept as they are.
  npmRebuild: true,
  buildDependenciesFromSource: false,
  afterPack: flipAppFuses,
  fileAssociations: [
    {
      ext: 'safetensors',
      name: 'Safetensors checkpoint',
      description: 'Safetensors model checkpoint',
      mimeType: 'application/x-safetensors',
      // LiGO Studio reads checkpoints; it should not take the type over from other tools.
      role: 'Viewer',
      rank: 'Alternate',
    },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    executableName: LINUX_EXECUTABLE_NAME,
    icon: 'resources/icons/png',
    category: 'Science',
    synopsis: 'Grow pretrained transformers with LiGO',
    // a checkpoint folder (config.json + weights) through the file manager's Open With
    mimeTypes: ['inode/directory'],
    desktop: { entry: { StartupWMClass: 'LiGO Studio' } },
  },
  deb: {
    // the native kernels addon links the system OpenBLAS; without it the engine runs on WebAssembly alone
    recommends: ['libopenblas0'],
  },
  win: {
    target: ['nsis'],
    icon: 'resources/icons/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    // adds "Open with LiGO Studio" to folders (Explorer has no per-folder file association)
    include: 'scripts/packaging/windows-folder-open-with.nsh',
  },
  mac: {
    target: ['dmg', 'zip'],
    icon: 'resources/icons/icon.png',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    // folders (a checkpoint folder with its config.json) in Finder's Open With and on the Dock icon
    extendInfo: {
      CFBundleDocumentTypes: [{ CFBundleTypeName: 'Folder', CFBundleTypeRole: 'Viewer', LSHandlerRank: 'Alternate', LSItemContentTypes: ['public.folder'] }],
    },
  },
}

export default config
