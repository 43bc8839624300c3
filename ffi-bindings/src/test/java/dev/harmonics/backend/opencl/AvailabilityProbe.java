package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;

/**
 * Prints, one per line, {@code backend=available|reason} for OPENCL and FPGA, then the backend
 * AUTO chooses: run in a child JVM by {@link OpenClUnavailableTest}, since OpenCL is probed once
 * per JVM.
 */
final class AvailabilityProbe {

  private AvailabilityProbe() {}

  public static void main(String[] args) {
    for (Backend b : new Backend[] {Backend.OPENCL, Backend.FPGA}) {
      var a = KernelProviders.availability(b);
      System.out.println(b.id() + "=" + a.available() + "|" + a.reason());
    }
    System.out.println("auto=" + KernelProviders.best().id());
    try {
      KernelProviders.of(Backend.OPENCL);
      System.out.println("explicit=created");
    } catch (UnsupportedOperationException e) {
      System.out.println("explicit=" + e.getMessage());
    }
  }
}
