package dev.harmonics.cli;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.signals.JvmSignalHandlers;
import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harmonics info}: what this machine and JVM offer the kernels. */
@Command(name = "info",
    description = "Prints the JDK, cores, kernel threads, kernel backends and native libraries.")
public final class InfoCommand implements Callable<Integer> {

  private static final Pattern SPECIES =
      Pattern.compile("(\\d+)-bit vectors, (\\d+) float lanes, (\\d+) vector registers");
  private static final String ROW = "  %-16s %s%n";
  private static final String BACKEND_ROW = "  %-12s %-11s %s%n";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  private final List<Supplier<BackendReport>> kernelBackends;
  private final List<Supplier<BackendReport>> nativeLibraries;

  @Spec
  private CommandSpec spec;

  /** Reports on the backends and libraries registered in {@link Backends}. */
  public InfoCommand() {
    this(Backends.kernelBackends(), Backends.nativeLibraries());
  }

  InfoCommand(
      List<Supplier<BackendReport>> kernelBackends, List<Supplier<BackendReport>> nativeLibraries) {
    this.kernelBackends = List.copyOf(kernelBackends);
    this.nativeLibraries = List.copyOf(nativeLibraries);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Harmonics runtime");
    out.printf(ROW, "JDK", Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
        + System.getProperty("java.home") + ")");
    out.printf(ROW, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version")
        + " (" + System.getProperty("os.arch") + ")");
    out.printf(ROW, "Cores", Runtime.getRuntime().availableProcessors());
    out.printf(ROW, "KernelPool", KernelPool.shared().parallelism()
        + " threads (change with -Dharmonics.threads=N)");
    out.printf(ROW, "Default backend", defaultBackend()
        + " (choose with -Dharmonics.backend=auto|cuda|opencl|fpga|native-cpu|simd|reference)");
    out.printf(ROW, "SIMD species", simdSpecies());
    out.printf(ROW, "Signal handlers", signalHandlers());
    section(out, "Kernel backends", kernelBackends);
    section(out, "Native libraries", nativeLibraries);
    out.flush();
    return 0;
  }

  /** How the JVM keeps its signal handlers when the OpenCL driver's LLVM installs its own. */
  private static String signalHandlers() {
    if (JvmSignalHandlers.chainingLibraryLoaded()) {
      return "libjsig preloaded: the JVM keeps its own and chains native ones";
    }
    return JvmSignalHandlers.save("info").active()
        ? "restored after OpenCL calls (preload $JAVA_HOME/lib/libjsig.so to close the window)"
        : "left to native libraries (-D" + JvmSignalHandlers.KEEP_PROPERTY + "=false)";
  }

  private static String defaultBackend() {
    try {
      return KernelProviders.get().backend().id();
    } catch (RuntimeException e) {
      return "none: " + e.getMessage();
    }
  }

  /**
   * Bits, lanes and the vector registers its register tiles are sized for, as the SIMD provider
   * describes its species.
   */
  static String simdSpecies() {
    Availability simd = KernelProviders.availability(Backend.SIMD);
    if (!simd.available()) {
      return "none (the simd backend is unavailable)";
    }
    Matcher m = SPECIES.matcher(simd.reason());
    return m.find()
        ? m.group(1) + " bits, " + m.group(2) + " float lanes, " + m.group(3) + " vector registers"
        : simd.reason();
  }

  private static void section(PrintWriter out, String title, List<Supplier<BackendReport>> rows) {
    out.println();
    out.println(title);
    if (rows.isEmpty()) {
      out.println("  (none registered)");
    }
    for (Supplier<BackendReport> row : rows) {
      BackendReport report = row.get();
      Availability a = report.availability();
      out.printf(BACKEND_ROW, report.name(), a.available() ? "available" : "unavailable",
          detail(report.name(), a.reason()));
    }
  }

  /** Drops the "name: " prefix a provider's description starts with: the row shows the name. */
  private static String detail(String name, String reason) {
    String prefix = name + ": ";
    return reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
  }
}
