// The engine's backend layer: the only place that loads TensorFlow.js backend packages.
export { selectBackend, type SelectBackendOptions, type SelectedBackend, type Tf } from './select-backend'
export { parseBackendName, resolveBackendChoice } from './backend-choice'
export { createPackageLoader, type PackageLoader } from './package-loader'
export { registerWasmKernels } from './wasm-kernels'
export { probeNvidiaGpus, type GpuProbe } from './nvidia-smi'
export { ensureGradients, gradientsRegistered } from './gradients'
