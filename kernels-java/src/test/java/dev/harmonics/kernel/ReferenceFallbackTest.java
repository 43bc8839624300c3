package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs in a JVM started without {@code --add-modules jdk.incubator.vector} (the surefire execution
 * {@code without-vector-module}): the SIMD classes must never load and the reference must serve.
 */
@Tag("without-vector-module")
class ReferenceFallbackTest {

  @Test
  void theReferenceServesWhenTheVectorModuleIsAbsent() {
    assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(),
        "this test must run without the incubator module");
    Availability simd = KernelProviders.availability(Backend.SIMD);
    assertFalse(simd.available());
    assertTrue(simd.reason().contains("--add-modules jdk.incubator.vector"), simd.reason());
    assertEquals(Backend.REFERENCE, KernelProviders.get().backend());
  }

  @Test
  void anExplicitSimdRequestFailsWithTheReason() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> KernelProviders.of(Backend.SIMD));
    assertTrue(e.getMessage().contains("jdk.incubator.vector"), e.getMessage());
  }

  @Test
  void theSimdClassesWereNeverLoaded() {
    assertTrue(ClassLoaderProbe.notLoaded("dev.harmonics.kernel.simd.SimdProvider"));
  }
}
