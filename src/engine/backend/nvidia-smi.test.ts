import { describe, expect, it } from 'vitest'
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv, probeNvidiaGpus, type ExecFileFn } from './nvidia-smi'

describe('nvidia-smi probe', () => {
  it('parses one line per GPU, memory in MiB, unknown fields as null', () => {
    const stdout = 'NVIDIA H200, 143771, 550.54.15\nNVIDIA GeForce RTX 3060, [N/A], 535.104.05\n\n'
    expect(parseNvidiaSmiCsv(stdout)).toEqual([
      { name: 'NVIDIA H200', memoryBytes: 143771 * 1024 * 1024, driverVersion: '550.54.15', source: 'nvidia-smi' },
      { name: 'NVIDIA GeForce RTX 3060', memoryBytes: null, driverVersion: '535.104.05', source: 'nvidia-smi' },
    ])
  })

  it('asks for name, memory and driver with a 3 s timeout', async () => {
    const calls: unknown[] = []
    const exec: ExecFileFn = async (file, args, options) => {
      calls.push([file, args, options])
      return 'Tesla T4, 15360, 470.82.01\n'
    }
    const probe = await probeNvidiaGpus(exec)
    expect(calls).toEqual([['nvidia-smi', NVIDIA_SMI_ARGS, { timeout: 3000 }]])
    expect(NVIDIA_SMI_ARGS).toEqual(['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'])
    expect(probe).toEqual({ gpus: [{ name: 'Tesla T4', memoryBytes: 15360 * 1048576, driverVersion: '470.82.01', source: 'nvidia-smi' }], note: null })
  })

  it('turns a missing tool, a timeout, a failure and an empty list into notes, never errors', async () => {
    const failing = (error: object): ExecFileFn => async () => {
      throw Object.assign(new Error('x'), error)
    }
    expect(await probeNvidiaGpus(failing({ code: 'ENOENT' }))).toEqual({ gpus: [], note: 'No NVIDIA GPU visible: nvidia-smi is not installed or not on PATH (no NVIDIA driver)' })
    expect((await probeNvidiaGpus(failing({ killed: true, signal: 'SIGTERM' }))).note).toBe('nvidia-smi did not answer within 3 s')
    expect((await probeNvidiaGpus(failing({ code: 9, stderr: 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\nMore' }))).note).toBe(
      'nvidia-smi failed: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.',
    )
    expect(await probeNvidiaGpus(async () => '\n')).toEqual({ gpus: [], note: 'nvidia-smi ran but listed no GPU' })
  })
})
