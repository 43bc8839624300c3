package dev.harmonics.cli;

import dev.harmonics.ffi.openblas.OpenBlas;
import dev.harmonics.ffi.opencl.OpenCl;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code harmonics info} reports on. Reporting a new backend or native library is one entry in
 * one of these lists; the suppliers run lazily, so a binding's classes load only when info runs.
 */
final class Backends {

  private Backends() {}

  /** The Java kernel backends, from {@link KernelProviders#availability}. */
  static List<Supplier<BackendReport>> kernelBackends() {
    return Arrays.stream(Backend.values())
        .<Supplier<BackendReport>>map(
            backend -> () -> BackendReport.probe(backend.id(),
                () -> KernelProviders.availability(backend)))
        .toList();
  }

  /**
   * The native libraries of ffi-bindings, one entry each in the form
   * {@code () -> BackendReport.probe("name", Binding::availability)}.
   */
  static List<Supplier<BackendReport>> nativeLibraries() {
    return List.of(() -> BackendReport.probe("openblas", OpenBlas::availability),
        () -> BackendReport.probe("opencl", OpenCl::availability));
  }
}
