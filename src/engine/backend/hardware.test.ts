import { describe, expect, it } from 'vitest'
import type { BackendCandidate } from '../../shared'
import { adviceFor, collectMachineFacts, cpuSimdFlags, parseCpuinfoSimdFlags, wasmSimdSupported } from './hardware'

const X86_CPUINFO = `processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC
flags\t\t: fpu vme de pse tsc msr sse sse2 ht syscall nx pni ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512_vnni avx_vnni sha_ni

processor\t: 1
flags\t\t: fpu sse
`
const ARM_CPUINFO = `processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
`

describe('machine facts', () => {
  it('keeps the SIMD flags of the first processor, in a stable order, SSE3 under its usual name', () => {
    expect(parseCpuinfoSimdFlags(X86_CPUINFO)).toEqual(['sse', 'sse2', 'sse3', 'ssse3', 'sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx_vnni', 'avx512f', 'avx512dq', 'avx512_vnni'])
    expect(parseCpuinfoSimdFlags(ARM_CPUINFO)).toEqual(['asimd', 'asimdhp', 'asimddp'])
    expect(parseCpuinfoSimdFlags('no flags here')).toEqual([])
  })

  it('falls back to the architecture baseline when /proc/cpuinfo is unreadable or not Linux', () => {
    const unreadable = () => {
      throw new Error('EACCES')
    }
    expect(cpuSimdFlags('linux', 'x64', unreadable)).toEqual(['sse', 'sse2'])
    expect(cpuSimdFlags('darwin', 'arm64')).toEqual(['neon'])
    expect(cpuSimdFlags('linux', 'x64', () => X86_CPUINFO)).toContain('avx512f')
  })

  it('detects WebAssembly SIMD (Node 20 has it) and collects memory, cores and runtime versions', () => {
    expect(wasmSimdSupported()).toBe(true)
    const facts = collectMachineFacts()
    expect(facts.cpu.cores).toBeGreaterThan(0)
    expect(facts.memory.totalBytes).toBeGreaterThan(facts.memory.freeBytes)
    expect(facts.runtime).toEqual({ node: process.versions.node, electron: null, v8: process.versions.v8 })
  })
})

describe('adviceFor', () => {
  const candidates = (native: string): BackendCandidate[] => [
    { name: 'tensorflow-gpu', selected: false, available: false, reason: 'not tried: no GPU' },
    { name: 'tensorflow', selected: false, available: false, reason: native },
    { name: 'wasm', selected: true, available: true, reason: 'ok' },
    { name: 'cpu', selected: false, available: null, reason: 'not tried' },
  ]
  const base = { backend: 'wasm' as const, gpus: [], wasmSimd: true, platform: 'linux', arch: 'x64', forced: false }

  it('suggests installing tfjs-node when it is missing, and explains the 1-thread wasm limit', () => {
    const advice = adviceFor({ ...base, candidates: candidates('@tensorflow/tfjs-node is not installed (optional dependency)') })
    expect(advice[0]).toContain('npm install @tensorflow/tfjs-node')
    expect(advice[1]).toContain('1 thread')
  })

  it('with the native kernels addon active, says the heavy kernels use its threads instead of the 1-thread limit', () => {
    const nativeKernels = { active: true, kernels: ['BatchMatMul'], blas: 'OpenBLAS 0.3.21', threads: 2, reason: 'active' }
    const advice = adviceFor({ ...base, candidates: candidates('x'), nativeKernels }).join(' ')
    expect(advice).toContain('native kernels addon on 2 threads (OpenBLAS 0.3.21)')
    expect(advice).not.toContain('whatever the core count')
    const off = adviceFor({ ...base, candidates: candidates('x'), nativeKernels: { ...nativeKernels, active: false, threads: null, reason: 'no BLAS found' } }).join(' ')
    expect(off).toContain('whatever the core count')
    expect(off).toContain('Native kernels are off (no BLAS found)')
  })

  it('explains how to use a visible GPU, and when the platform cannot', () => {
    const gpus = [{ name: 'NVIDIA RTX 4090', memoryBytes: null, driverVersion: null, source: 'nvidia-smi' as const }]
    const linux = adviceFor({ ...base, gpus, candidates: candidates('@tensorflow/tfjs-node is not installed') })
    expect(linux[0]).toContain('CUDA 11.8 and cuDNN 8.6')
    const mac = adviceFor({ ...base, gpus, platform: 'darwin', arch: 'arm64', candidates: candidates('x') })
    expect(mac[0]).toContain('only supports Linux x64 and Windows x64 (this is darwin arm64)')
  })

  it('gives nothing to do when the GPU backend is in use', () => {
    const gpus = [{ name: 'NVIDIA H200', memoryBytes: null, driverVersion: null, source: 'nvidia-smi' as const }]
    expect(adviceFor({ ...base, backend: 'tensorflow-gpu', gpus, candidates: candidates('') })).toEqual([])
  })
})
