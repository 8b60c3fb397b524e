# Node-API addon with the engine's hot kernels over the platform BLAS (see native/README.md).
# scripts/build-native.js writes blas.gypi (the BLAS it found: defines, include dirs, libraries) before calling
# node-gyp, so this file stays the same on every platform.
{
  "targets": [
    {
      "target_name": "ligo_kernels",
      "sources": ["ligo_kernels.c", "kernels_gemm.c", "kernels_fused.c", "kernels_gelu_tanh.c", "kernels_attention.c", "kernels_dropout.c", "thread_pool.c"],
      "includes": ["blas.gypi"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3", "-std=c11", "-fno-math-errno", "-fno-trapping-math"],
      "cflags!": ["-O2", "-O0"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-std=c11", "-fno-math-errno"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
