#!/usr/bin/env node
/*
 * Builds the optional native kernels (native/, a Node-API addon over the platform BLAS) when this machine can:
 * a C compiler, a BLAS (OpenBLAS or another CBLAS on Linux/Windows, Accelerate on macOS) and Node's headers.
 * Called from package.json's install step, so it NEVER fails: whatever happens it prints one line and exits 0.
 * The engine runs without the addon (src/engine/backend/native-kernels.ts says why it is absent, reading
 * native/build/status.json written here).
 *
 *   node scripts/build-native.js            build (or say why not)
 *   LIGO_SKIP_NATIVE=1                      skip on purpose
 *   LIGO_BLAS_CFLAGS / LIGO_BLAS_LIBS       use this BLAS instead of searching (e.g. MKL: "-lmkl_rt")
 */
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const NATIVE_DIR = path.join(__dirname, '..', 'native')
const BUILD_DIR = path.join(NATIVE_DIR, 'build')
const STATUS_FILE = path.join(BUILD_DIR, 'status.json')
const ADDON = path.join(BUILD_DIR, 'Release', 'ligo_kernels.node')

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options })
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error }
}

function writeStatus(status) {
  fs.mkdirSync(BUILD_DIR, { recursive: true })
  fs.writeFileSync(STATUS_FILE, JSON.stringify({ ...status, at: new Date().toISOString(), node: process.version }, null, 2) + '\n')
}

/** The C compiler node-gyp will use (CC, else cc/gcc/clang on PATH); null when there is none. */
function findCompiler() {
  if (process.platform === 'win32') return run('where', ['cl']).ok ? 'cl' : null
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) if (run(cc, ['--version']).ok) return cc
  return null
}

/** Compiles and links a one-call program against the candidate BLAS: the only test that proves it works. */
function linksAgainst(cc, blas) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ligo-blas-'))
  try {
    const header = blas.defines.includes('LIGO_ACCELERATE') ? '<Accelerate/Accelerate.h>' : '<cblas.h>'
    const source = path.join(dir, 'probe.c')
    fs.writeFileSync(source, `#include ${header}\nint main(void){float a=1,b=1,c=0;cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,1,1,1,1.0f,&a,1,&b,1,0.0f,&c,1);return c==1.0f?0:1;}\n`)
    const includes = blas.includeDirs.map((d) => `-I${d}`)
    const libDirs = blas.libraryDirs.map((d) => `-L${d}`)
    return run(cc, [...includes, source, '-o', path.join(dir, 'probe'), ...libDirs, ...blas.libraries]).ok
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function splitFlags(cflags, libs) {
  const words = (text) => text.split(/\s+/).filter(Boolean)
  return {
    includeDirs: words(cflags).filter((w) => w.startsWith('-I')).map((w) => w.slice(2)),
    libraryDirs: words(libs).filter((w) => w.startsWith('-L')).map((w) => w.slice(2)),
    libraries: words(libs).filter((w) => !w.startsWith('-L')),
  }
}

/** BLAS candidates in order of preference for this platform; the first that links wins. */
function blasCandidates() {
  const found = []
  if (process.env.LIGO_BLAS_LIBS) {
    found.push({ name: 'LIGO_BLAS_LIBS', defines: ['LIGO_CBLAS'], ...splitFlags(process.env.LIGO_BLAS_CFLAGS ?? '', process.env.LIGO_BLAS_LIBS) })
  }
  if (process.platform === 'darwin') {
    found.push({ name: 'Accelerate', defines: ['LIGO_ACCELERATE', 'ACCELERATE_NEW_LAPACK'], includeDirs: [], libraryDirs: [], libraries: ['-framework', 'Accelerate'] })
  }
  for (const pkg of ['openblas', 'cblas', 'blas']) {
    const cflags = run('pkg-config', ['--cflags', pkg])
    const libs = run('pkg-config', ['--libs', pkg])
    if (cflags.ok && libs.ok) found.push({ name: `pkg-config ${pkg}`, defines: pkg === 'openblas' ? ['LIGO_OPENBLAS'] : ['LIGO_CBLAS'], ...splitFlags(cflags.out, libs.out) })
  }
  // Debian/Ubuntu without pkg-config: libopenblas-dev puts cblas.h here and libblas.so/libopenblas.so on the path.
  const multiarch = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/include', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include']
  for (const dir of multiarch) {
    if (!fs.existsSync(path.join(dir, 'cblas.h'))) continue
    const libDir = dir.includes('/opt/') ? [dir.replace(/include$/, 'lib')] : []
    found.push({ name: `${dir}/cblas.h + -lopenblas`, defines: ['LIGO_OPENBLAS'], includeDirs: [dir], libraryDirs: libDir, libraries: ['-lopenblas'] })
    found.push({ name: `${dir}/cblas.h + -lblas`, defines: ['LIGO_CBLAS'], includeDirs: [dir], libraryDirs: libDir, libraries: ['-lblas'] })
  }
  return found
}

/** A folder holding include/node/node_api.h for node-gyp's --nodedir, so it never downloads headers. */
function findNodeDir() {
  const candidates = [
    process.env.npm_config_nodedir,
    path.resolve(path.dirname(process.execPath), '..'),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node),
    path.join(os.homedir(), '.node-gyp', process.versions.node),
  ].filter(Boolean)
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) ?? null
}

/** node-gyp from the project, else the copy bundled with the npm that runs us, else the global npm's. */
function findNodeGyp() {
  const tries = [
    () => require.resolve('node-gyp/bin/node-gyp.js'),
    () => process.env.npm_execpath && require.resolve(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')),
    () => require.resolve(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')),
  ]
  for (const attempt of tries) {
    try {
      const found = attempt()
      if (found && fs.existsSync(found)) return found
    } catch {}
  }
  return null
}

function writeBlasGypi(blas) {
  const gypi = {
    defines: blas.defines,
    include_dirs: blas.includeDirs,
    libraries: [...blas.libraryDirs.map((d) => `-L${d}`), ...blas.libraryDirs.map((d) => `-Wl,-rpath,${d}`), ...blas.libraries],
  }
  fs.writeFileSync(path.join(NATIVE_DIR, 'blas.gypi'), `# written by scripts/build-native.js (${blas.name})\n${JSON.stringify(gypi, null, 2)}\n`)
}

function build() {
  if (process.env.LIGO_SKIP_NATIVE === '1') return { ok: false, reason: 'skipped: LIGO_SKIP_NATIVE=1' }
  const cc = findCompiler()
  if (!cc) return { ok: false, reason: 'no C compiler' }
  const blas = blasCandidates().find((candidate) => linksAgainst(cc, candidate))
  if (!blas) return { ok: false, reason: process.platform === 'linux' ? 'no BLAS found (install libopenblas-dev)' : 'no BLAS found' }
  const nodeDir = findNodeDir()
  if (!nodeDir) return { ok: false, reason: 'no Node headers found for node-gyp (it would download them)' }
  const nodeGyp = findNodeGyp()
  if (!nodeGyp) return { ok: false, reason: 'node-gyp not found' }
  writeBlasGypi(blas)
  const gyp = run(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=2'], { cwd: NATIVE_DIR })
  if (!gyp.ok || !fs.existsSync(ADDON)) {
    const detail = gyp.out.split('\n').filter((l) => /error/i.test(l))[0] ?? gyp.error?.message ?? 'no error line'
    return { ok: false, reason: `node-gyp failed: ${detail.trim()}` }
  }
  // Loading it proves the BLAS resolves at run time too.
  const check = run(process.execPath, ['-e', `console.log(require(${JSON.stringify(ADDON)}).info().blas)`])
  if (!check.ok) return { ok: false, reason: `built but does not load: ${check.out.trim().split('\n')[0]}` }
  return { ok: true, reason: `built with ${blas.name}: ${check.out.trim()}`, blas: blas.name }
}

function main() {
  let status
  try {
    status = build()
  } catch (error) {
    status = { ok: false, reason: `build script error: ${error && error.message ? error.message : String(error)}` }
  }
  try {
    writeStatus(status)
  } catch {}
  console.log(`ligo native kernels: ${status.ok ? status.reason : `not built (${status.reason}); the engine uses its WebAssembly kernels`}`)
}

main()
process.exitCode = 0
