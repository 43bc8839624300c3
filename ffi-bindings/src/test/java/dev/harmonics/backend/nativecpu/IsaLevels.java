package dev.harmonics.backend.nativecpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.nativekernels.Isa;
import dev.harmonics.ffi.nativekernels.NativeKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs a check once per instruction set level this CPU has, for tests of the C kernels. */
final class IsaLevels {

  private IsaLevels() {}

  /** Runs {@code check} at every level up to the supported one, restoring the level after. */
  static void atEveryLevel(NativeKernels nk, Consumer<Isa> check) {
    Isa before = nk.activeIsa();
    List<Isa> covered = new ArrayList<>();
    try {
      for (Isa isa : Isa.values()) {
        if (isa.compareTo(nk.supportedIsa()) <= 0) {
          nk.setIsa(isa);
          check.accept(isa);
          covered.add(isa);
        }
      }
    } finally {
      nk.setIsa(before);
    }
    assertTrue(covered.contains(Isa.GENERIC), "the portable path always runs: " + covered);
  }
}
