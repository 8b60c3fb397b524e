import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PathPolicy, resolveUserPath } from './path-check'
import { studioRejection as rejection } from '../../test/helpers/studio-rejection'

describe('resolveUserPath', () => {
  let root: string
  let socketServer: Server
  beforeAll(async () => {
    // realpath: the temp folder itself may sit behind a link (macOS /var -> /private/var)
    root = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-path-')))
    writeFileSync(join(root, 'model.safetensors'), 'x')
    mkdirSync(join(root, 'folder'))
    symlinkSync(join(root, 'model.safetensors'), join(root, 'link.safetensors'))
    symlinkSync(join(root, 'missing'), join(root, 'dangling'))
    execFileSync('mkfifo', [join(root, 'pipe')])
    socketServer = createServer()
    await new Promise<void>((done) => socketServer.listen(join(root, 'sock'), done))
  })
  afterAll(async () => {
    await new Promise((done) => socketServer.close(done))
    rmSync(root, { recursive: true, force: true })
  })

  it('accepts absolute files and folders and returns their stat', async () => {
    const file = await resolveUserPath(join(root, 'model.safetensors'))
    expect(file.path).toBe(join(root, 'model.safetensors'))
    expect(file.stat.isFile()).toBe(true)
    const folder = await resolveUserPath(join(root, 'folder') + '/')
    expect(folder.path).toBe(join(root, 'folder'))
    expect(folder.stat.isDirectory()).toBe(true)
  })

  it('resolves symbolic links and dot segments to the real path', async () => {
    expect((await resolveUserPath(join(root, 'link.safetensors'))).path).toBe(join(root, 'model.safetensors'))
    expect((await resolveUserPath(`${root}/folder/../model.safetensors`)).path).toBe(join(root, 'model.safetensors'))
  })

  it('resolves relative paths only against an explicit cwd', async () => {
    expect((await resolveUserPath('model.safetensors', { cwd: root })).path).toBe(join(root, 'model.safetensors'))
    const error = await rejection(resolveUserPath('model.safetensors'))
    expect(error.code).toBe('invalid_request')
    expect(error.message).toBe('The path "model.safetensors" is relative; an absolute path is needed here.')
  })

  it('expands ~ to the home folder', async () => {
    vi.stubEnv('HOME', root)
    try {
      expect((await resolveUserPath('~/model.safetensors')).path).toBe(join(root, 'model.safetensors'))
      expect((await resolveUserPath('~')).path).toBe(root)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('refuses empty paths and NUL characters', async () => {
    expect((await rejection(resolveUserPath(''))).message).toBe('The path is empty.')
    expect((await rejection(resolveUserPath('   '))).code).toBe('invalid_request')
    const nul = await rejection(resolveUserPath(`${root}/a\0b`))
    expect(nul.code).toBe('invalid_request')
    expect(nul.message).toContain('NUL')
  })

  it('names the missing path (also for dangling links)', async () => {
    const missing = await rejection(resolveUserPath(join(root, 'nope.bin')))
    expect(missing.code).toBe('not_found')
    expect(missing.message).toBe(`No such file or folder: ${join(root, 'nope.bin')}`)
    expect((await rejection(resolveUserPath(join(root, 'dangling')))).code).toBe('not_found')
    expect((await rejection(resolveUserPath(join(root, 'model.safetensors', 'inside')))).code).toBe('not_found')
  })

  it('refuses FIFOs, sockets and devices', async () => {
    const fifo = await rejection(resolveUserPath(join(root, 'pipe')))
    expect(fifo.code).toBe('forbidden')
    expect(fifo.message).toBe(`${join(root, 'pipe')} is a named pipe (FIFO), not a file or folder.`)
    expect((await rejection(resolveUserPath(join(root, 'sock')))).message).toContain('is a socket')
    expect((await rejection(resolveUserPath('/dev/null'))).message).toBe('/dev/null is a device, not a file or folder.')
  })
})

describe('PathPolicy', () => {
  let workspace: string
  let outside: string
  beforeAll(() => {
    workspace = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-policy-ws-')))
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'ligo-policy-out-')))
    writeFileSync(join(outside, 'model.safetensors'), 'x')
    writeFileSync(join(workspace, 'inside.safetensors'), 'x')
    symlinkSync(outside, join(workspace, 'link-out'))
  })
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('desktop reads any dropped path; serve reads only inside the workspace or a granted folder', async () => {
    const desktop = new PathPolicy('desktop', () => workspace)
    expect((await desktop.checkReadable(join(outside, 'model.safetensors'))).path).toBe(join(outside, 'model.safetensors'))
    const serve = new PathPolicy('serve', () => workspace)
    expect((await serve.checkReadable(join(workspace, 'inside.safetensors'))).path).toBe(join(workspace, 'inside.safetensors'))
    expect((await rejection(serve.checkReadable(join(outside, 'model.safetensors')))).code).toBe('forbidden')
    // a link inside the workspace that points out is judged by where it points
    expect((await rejection(serve.checkReadable(join(workspace, 'link-out', 'model.safetensors')))).code).toBe('forbidden')
    await serve.grant(outside)
    expect((await serve.checkReadable(join(outside, 'model.safetensors'))).path).toBe(join(outside, 'model.safetensors'))
  })

  it('writes only inside the workspace or a folder granted by a dialog, also for folders that do not exist yet', async () => {
    const policy = new PathPolicy('desktop', () => workspace)
    expect(await policy.checkWritable(join(workspace, 'exports', 'new', 'deeper'))).toBe(join(workspace, 'exports', 'new', 'deeper'))
    expect((await rejection(policy.checkWritable(join(outside, 'export')))).code).toBe('forbidden')
    expect((await rejection(policy.checkWritable(join(workspace, 'link-out', 'export')))).code).toBe('forbidden')
    expect((await rejection(policy.checkWritable('relative/export'))).code).toBe('invalid_request')
    await policy.grant(outside)
    expect(await policy.checkWritable(join(outside, 'export'))).toBe(join(outside, 'export'))
  })
})
