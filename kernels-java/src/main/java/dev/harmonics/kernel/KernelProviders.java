package dev.harmonics.kernel;

import dev.harmonics.kernel.reference.ReferenceProvider;
import dev.harmonics.kernel.spi.KernelProviderFactory;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the kernel backend at run time.
 *
 * <p>The SIMD backend is loaded by class name, and only once its preconditions hold: the {@code
 * jdk.incubator.vector} module is in the boot layer, the JIT can compile vector intrinsics (not
 * {@code -Xint}, not stopped at C1), and the preferred vector is at least 128 bits wide. Otherwise
 * the reference backend is used and one log line says why, so the SIMD classes are never loaded
 * where they cannot work. Device and native backends come from {@link KernelProviderFactory}
 * services on the class path; each is created once, on first use.
 *
 * <p>The default is {@code auto}: the first available backend in {@link Backend}'s order. The
 * {@code harmonics.backend} system property or {@link #setDefault(Backend)} override it. An explicit
 * choice is honoured exactly or fails with the reason. Each choice is logged once.
 */
public final class KernelProviders {

  static final String BACKEND_PROPERTY = "harmonics.backend";
  private static final String SIMD_PROVIDER = "dev.harmonics.kernel.simd.SimdProvider";
  private static final System.Logger LOG = System.getLogger(KernelProviders.class.getName());
  private static final Map<Backend, KernelProvider> CREATED = new ConcurrentHashMap<>();

  private static volatile KernelProvider override;

  private KernelProviders() {}

  /** The provider kernels should use unless told otherwise. */
  public static KernelProvider get() {
    KernelProvider chosen = override;
    return chosen != null ? chosen : DefaultHolder.INSTANCE;
  }

  /** Makes {@code backend} the default for the rest of this JVM; fails if it cannot run here. */
  public static void setDefault(Backend backend) {
    override = of(backend);
  }

  /** Returns to the choice made from the {@code harmonics.backend} property. */
  public static void clearDefault() {
    override = null;
  }

  /**
   * Exactly the requested backend, or an {@link UnsupportedOperationException} saying why not;
   * {@link Backend#AUTO} is the first available one.
   */
  public static KernelProvider of(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    return switch (backend) {
      case AUTO -> of(best());
      case REFERENCE -> ReferenceHolder.INSTANCE;
      case SIMD -> {
        if (SimdHolder.INSTANCE == null) {
          throw unavailable(backend, SimdHolder.AVAILABILITY);
        }
        yield SimdHolder.INSTANCE;
      }
      default -> CREATED.computeIfAbsent(backend, KernelProviders::createFromFactory);
    };
  }

  /** Whether {@code backend} can run in this JVM, with the reason. */
  public static Availability availability(Backend backend) {
    return switch (backend) {
      case AUTO -> Availability.yes("chooses " + best().id());
      case REFERENCE -> Availability.yes("plain Java, always available");
      case SIMD -> SimdHolder.AVAILABILITY;
      default -> {
        KernelProviderFactory factory = Factories.BY_BACKEND.get(backend);
        yield factory == null
            ? Availability.no("no " + backend.id() + " provider on the class path"
                + " (it comes with the harmonics ffi-bindings module)")
            : factory.availability();
      }
    };
  }

  /** The backend {@link Backend#AUTO} stands for here: the first available in preference order. */
  public static Backend best() {
    for (Backend candidate : Backend.values()) {
      if (candidate != Backend.AUTO && availability(candidate).available()) {
        return candidate;
      }
    }
    return Backend.REFERENCE;
  }

  private static KernelProvider createFromFactory(Backend backend) {
    Availability availability = availability(backend);
    if (!availability.available()) {
      throw unavailable(backend, availability);
    }
    KernelProvider provider = Factories.BY_BACKEND.get(backend).create();
    LOG.log(System.Logger.Level.INFO, "Harmonics kernels: " + provider.description());
    return provider;
  }

  private static UnsupportedOperationException unavailable(Backend backend, Availability why) {
    return new UnsupportedOperationException(
        "the " + backend.id() + " kernel backend is unavailable: " + why.reason());
  }

  private static KernelProvider chooseDefault() {
    String requested = System.getProperty(BACKEND_PROPERTY, "auto").trim();
    Backend backend = Backend.fromId(requested);
    KernelProvider provider = of(backend);
    if (backend != Backend.AUTO) {
      LOG.log(System.Logger.Level.INFO, "Harmonics kernels: " + provider.description()
          + " (requested by -D" + BACKEND_PROPERTY + "=" + requested + ")");
    } else if (provider.backend() == Backend.REFERENCE) {
      LOG.log(System.Logger.Level.WARNING, "Harmonics kernels: using the reference backend because "
          + SimdHolder.AVAILABILITY.reason());
    } else {
      LOG.log(System.Logger.Level.INFO, "Harmonics kernels: " + provider.description()
          + " (chosen automatically)");
    }
    return provider;
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

  /** The service-loaded factories, by backend; the first one found for a backend wins. */
  private static final class Factories {
    static final Map<Backend, KernelProviderFactory> BY_BACKEND = load();

    private static Map<Backend, KernelProviderFactory> load() {
      Map<Backend, KernelProviderFactory> found = new EnumMap<>(Backend.class);
      for (KernelProviderFactory factory : ServiceLoader.load(KernelProviderFactory.class)) {
        Backend backend = factory.backend();
        if (backend == Backend.AUTO || backend == Backend.SIMD || backend == Backend.REFERENCE) {
          LOG.log(System.Logger.Level.WARNING, "ignoring " + factory.getClass().getName()
              + ": it claims the built-in backend " + backend.id());
          continue;
        }
        found.putIfAbsent(backend, factory);
      }
      return found;
    }
  }

  private static final class DefaultHolder {
    static final KernelProvider INSTANCE = chooseDefault();
  }
}
