package dev.harmonics.kernel;

import dev.harmonics.kernel.reference.ReferenceProvider;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

/**
 * Chooses the kernel backend at run time.
 *
 * <p>The SIMD backend is loaded by class name, and only once its preconditions hold: the {@code
 * jdk.incubator.vector} module is in the boot layer, the JIT can compile vector intrinsics (not
 * {@code -Xint}, not stopped at C1), and the preferred vector is at least 128 bits wide. Otherwise
 * the reference backend is used and one log line says why, so the SIMD classes are never loaded
 * where they cannot work.
 *
 * <p>The default is {@code auto} (SIMD when available); the {@code harmonics.backend} system
 * property ({@code auto}, {@code simd} or {@code reference}) or {@link #setDefault(KernelBackend)}
 * override it. An explicit choice is honoured exactly or fails with the reason.
 */
public final class KernelProviders {

  static final String BACKEND_PROPERTY = "harmonics.backend";
  private static final String SIMD_PROVIDER = "dev.harmonics.kernel.simd.SimdProvider";
  private static final System.Logger LOG = System.getLogger(KernelProviders.class.getName());

  private static volatile KernelProvider override;

  private KernelProviders() {}

  /** The provider kernels should use unless told otherwise. */
  public static KernelProvider get() {
    KernelProvider chosen = override;
    return chosen != null ? chosen : DefaultHolder.INSTANCE;
  }

  /** Makes {@code backend} the default for the rest of this JVM; fails if it cannot run here. */
  public static void setDefault(KernelBackend backend) {
    override = of(backend);
  }

  /** Returns to the choice made from the {@code harmonics.backend} property. */
  public static void clearDefault() {
    override = null;
  }

  /** Exactly the requested backend, or an {@link UnsupportedOperationException} saying why not. */
  public static KernelProvider of(KernelBackend backend) {
    Objects.requireNonNull(backend, "backend");
    return switch (backend) {
      case REFERENCE -> ReferenceHolder.INSTANCE;
      case SIMD -> {
        if (SimdHolder.INSTANCE == null) {
          throw new UnsupportedOperationException(
              "the simd kernel backend is unavailable: " + SimdHolder.AVAILABILITY.reason());
        }
        yield SimdHolder.INSTANCE;
      }
    };
  }

  /** Whether {@code backend} can run in this JVM, with the reason. */
  public static Availability availability(KernelBackend backend) {
    return switch (backend) {
      case REFERENCE -> Availability.yes("plain Java, always available");
      case SIMD -> SimdHolder.AVAILABILITY;
    };
  }

  private static KernelProvider chooseDefault() {
    String requested = System.getProperty(BACKEND_PROPERTY, "auto").trim();
    if (!requested.equalsIgnoreCase("auto")) {
      KernelProvider provider = of(KernelBackend.fromId(requested));
      LOG.log(System.Logger.Level.INFO, "Harmonics kernels: " + provider.description()
          + " (requested by -D" + BACKEND_PROPERTY + "=" + requested + ")");
      return provider;
    }
    if (SimdHolder.INSTANCE != null) {
      LOG.log(System.Logger.Level.DEBUG, "Harmonics kernels: " + SimdHolder.INSTANCE.description());
      return SimdHolder.INSTANCE;
    }
    LOG.log(System.Logger.Level.WARNING, "Harmonics kernels: using the reference backend because "
        + SimdHolder.AVAILABILITY.reason());
    return ReferenceHolder.INSTANCE;
  }

  private static Availability checkSimdPreconditions() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return Availability.no("the jdk.incubator.vector module is not loaded; "
          + "start the JVM with --add-modules jdk.incubator.vector");
    }
    String vmInfo = System.getProperty("java.vm.info", "");
    if (vmInfo.contains("interpreted mode")) {
      return Availability.no(
          "the JVM runs interpreted only (-Xint), so vector code cannot be compiled");
    }
    try {
      var diagnostics =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (diagnostics != null) {
        int stopAt = Integer.parseInt(diagnostics.getVMOption("TieredStopAtLevel").getValue());
        if (stopAt < 4) {
          return Availability.no("-XX:TieredStopAtLevel=" + stopAt
              + " keeps the C2 compiler off, and only C2 compiles the Vector API to SIMD"
              + " instructions");
        }
      }
    } catch (RuntimeException | LinkageError notHotSpot) {
      LOG.log(System.Logger.Level.DEBUG, "cannot read HotSpot VM options; assuming C2 is on");
    }
    return null;
  }

  private static final class ReferenceHolder {
    static final KernelProvider INSTANCE = new ReferenceProvider();
  }

  private static final class SimdHolder {
    static final Availability AVAILABILITY;
    static final KernelProvider INSTANCE;

    static {
      Availability failed = checkSimdPreconditions();
      KernelProvider loaded = null;
      if (failed == null) {
        try {
          loaded = (KernelProvider) Class.forName(SIMD_PROVIDER).getConstructor().newInstance();
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause() instanceof ExceptionInInitializerError init
              ? init.getCause() : e.getCause();
          failed = Availability.no(String.valueOf(cause.getMessage()));
        } catch (ReflectiveOperationException | LinkageError e) {
          failed = Availability.no("the SIMD kernels could not be loaded: " + e);
        }
      }
      INSTANCE = loaded;
      AVAILABILITY = failed != null ? failed : Availability.yes(loaded.description());
    }
  }

  private static final class DefaultHolder {
    static final KernelProvider INSTANCE = chooseDefault();
  }
}
