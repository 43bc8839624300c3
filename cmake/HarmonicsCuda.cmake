# Harmonics' CUDA build: every kernels-native/src/cuda/*.cu file becomes PTX (the portable form the
# driver JIT-compiles for any newer GPU) and cubins for the architectures in HARMONICS_CUDA_ARCHS
# (machine code that loads without a JIT). The sources themselves ship too, so NVRTC can compile
# them at run time for a device neither fits.
#
# -fmad=false keeps a * b + c as two rounded operations, as the Java reference computes them, so
# results match it as closely as the arithmetic allows; kernels that want a fused multiply-add
# (axpy) ask for fmaf explicitly.
#
# nvcc is called directly rather than through enable_language(CUDA): that keeps a machine without
# a CUDA host toolchain able to configure the rest of kernels-native, and PTX/cubin output needs no
# linking anyway.

# The Java side looks for exactly these architectures (KernelImages.BUILT_ARCHITECTURES in
# ffi-bindings): change both together.
set(HARMONICS_CUDA_ARCHS "80;90" CACHE STRING "SM architectures to build PTX and cubins for")
set(HARMONICS_CUDA_KINDS "ptx;cubin" CACHE STRING "What nvcc writes per architecture: ptx, cubin")

# Finds nvcc (the CUDA compiler the parent project found, CUDAToolkit_ROOT, CUDA_HOME, PATH,
# /usr/local/cuda) and sets HARMONICS_NVCC, or leaves it empty with one status line saying why.
function(harmonics_find_nvcc)
  if(CMAKE_CUDA_COMPILER AND NOT HARMONICS_NVCC)
    set(HARMONICS_NVCC "${CMAKE_CUDA_COMPILER}" CACHE FILEPATH "nvcc for the CUDA kernels")
  endif()
  find_program(HARMONICS_NVCC nvcc
    HINTS "${CUDAToolkit_ROOT}" "$ENV{CUDA_HOME}" "$ENV{CUDA_PATH}" /usr/local/cuda
    PATH_SUFFIXES bin)
  if(NOT HARMONICS_NVCC)
    message(STATUS "Harmonics CUDA: skipped, nvcc not found (set CUDA_HOME or put nvcc on PATH)")
  endif()
endfunction()

# harmonics_cuda_kernels(TARGET name SOURCES a.cu ... HEADERS h.cuh ... DESTINATION dir)
# Adds target `name` that writes <source>.sm_XX.ptx and <source>.sm_XX.cubin for every
# architecture into DESTINATION, and copies the sources and headers there.
function(harmonics_cuda_kernels)
  cmake_parse_arguments(HX "" "TARGET;DESTINATION" "SOURCES;HEADERS" ${ARGN})
  file(MAKE_DIRECTORY "${HX_DESTINATION}")
  set(outputs)
  foreach(source IN LISTS HX_SOURCES)
    get_filename_component(stem "${source}" NAME_WE)
    foreach(arch IN LISTS HARMONICS_CUDA_ARCHS)
      foreach(kind IN LISTS HARMONICS_CUDA_KINDS)
        set(out "${HX_DESTINATION}/${stem}.sm_${arch}.${kind}")
        add_custom_command(OUTPUT "${out}"
          COMMAND "${HARMONICS_NVCC}" -${kind} -std=c++17 -O3 -lineinfo -fmad=false
                  -arch=sm_${arch} -o "${out}" "${source}"
          DEPENDS "${source}" ${HX_HEADERS}
          COMMENT "nvcc ${stem}.cu -> ${stem}.sm_${arch}.${kind}"
          VERBATIM)
        list(APPEND outputs "${out}")
      endforeach()
    endforeach()
  endforeach()
  foreach(file IN LISTS HX_SOURCES HX_HEADERS)
    get_filename_component(name "${file}" NAME)
    set(out "${HX_DESTINATION}/${name}")
    add_custom_command(OUTPUT "${out}"
      COMMAND "${CMAKE_COMMAND}" -E copy "${file}" "${out}"
      DEPENDS "${file}" VERBATIM)
    list(APPEND outputs "${out}")
  endforeach()
  add_custom_target(${HX_TARGET} ALL DEPENDS ${outputs})
endfunction()
