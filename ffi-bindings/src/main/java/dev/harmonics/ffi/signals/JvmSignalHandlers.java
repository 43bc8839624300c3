package dev.harmonics.ffi.signals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the JVM's POSIX signal handlers installed while native libraries that replace them run.
 *
 * <p>The JVM handles SIGSEGV, SIGBUS, SIGFPE and SIGILL itself (null checks, safepoint polls,
 * integer division by zero), SIGQUIT for thread dumps, SIGUSR2 to suspend threads and SIGHUP, SIGINT
 * and SIGTERM to run shutdown hooks. LLVM, which PoCL runs in-process to compile OpenCL C, installs
 * its own handlers for all of these the first time it compiles (measured here: PoCL 5 with LLVM
 * 15), and PoCL replaces SIGFPE's. From then on the JVM's own faults reach LLVM's handler first,
 * which crashed test JVMs with exit code 139 and no error report, and {@code kill} no longer runs
 * shutdown hooks.
 *
 * <p>An instance saves every catchable signal's disposition when it is created, before the native
 * library is first called; {@link #restoreIfReplaced()}, called after native calls that may
 * compile, puts back any that changed. The check costs one {@code sigaction} query. Where the JVM
 * was started with its signal-chaining library ({@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}), the
 * JVM keeps its handlers itself and chains the others; this class then does nothing, because with
 * libjsig a query returns the chained handler, not the installed one.
 *
 * <p>The cost of restoring: a fault inside the native library (a crash, or an integer division by
 * zero in an OpenCL kernel, which PoCL would have ignored) is reported by the JVM as a crash of the
 * process, with its error report, instead of by LLVM or PoCL. {@code
 * -Dharmonics.signals.keep=false} leaves the native libraries' handlers in place.
 */
@SuppressWarnings("restricted")
public final class JvmSignalHandlers {

  /** System property: {@code false} leaves handlers that native libraries install in place. */
  public static final String KEEP_PROPERTY = "harmonics.signals.keep";

  private static final System.Logger LOG = System.getLogger(JvmSignalHandlers.class.getName());

  private static final int SIGFPE = 8;
  private static final int SIGKILL = 9;
  private static final int SIGSEGV = 11;
  private static final int SIGSTOP = 19;
  private static final int[] SENTINELS = {SIGSEGV, SIGFPE};
  private static final int LAST_STANDARD_SIGNAL = 31;
  /** glibc's {@code struct sigaction} on x86-64 and aarch64 is 152 bytes; room to spare. */
  private static final long SIGACTION_BYTES = 256;
  private static final long DL_INFO_BYTES = 32;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final MethodHandle SIGACTION = LINKER.downcallHandle(
      LIBC.find("sigaction").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
          ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  private static final MethodHandle DLSYM = LINKER.downcallHandle(LIBC.find("dlsym").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  private static final MethodHandle DLADDR = LINKER.downcallHandle(
      LIBC.find("dladdr").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  /** Each thread's buffer for the disposition it reads: the check after a call allocates nothing. */
  private static final ThreadLocal<MemorySegment> CURRENT =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIGACTION_BYTES, 8));

  private final String library;
  private final boolean active;
  private final Map<Integer, MemorySegment> saved = new TreeMap<>();
  private volatile boolean reported;

  private JvmSignalHandlers(String library, boolean active) {
    this.library = library;
    this.active = active;
    if (active) {
      for (int signal = 1; signal <= LAST_STANDARD_SIGNAL; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP) {
          MemorySegment action = Arena.global().allocate(SIGACTION_BYTES, 8);
          query(signal, action);
          saved.put(signal, action);
        }
      }
    }
  }

  /**
   * Saves the current handlers, to be kept while {@code library} runs.
   *
   * @param library what will be called, for the log line when a handler had to be put back
   */
  public static JvmSignalHandlers save(String library) {
    boolean keep = !"false".equalsIgnoreCase(System.getProperty(KEEP_PROPERTY, "true").trim());
    return new JvmSignalHandlers(library, keep && !chainingLibraryLoaded());
  }

  /** Whether this instance restores handlers (off with libjsig or the property). */
  public boolean active() {
    return active;
  }

  /**
   * Puts back every saved handler that native code replaced since {@link #save}. Checks SIGSEGV
   * (LLVM's replacement includes it) and SIGFPE (PoCL's) first, and compares the rest only when
   * one of them moved.
   *
   * @return the signals whose handlers were put back, in ascending order; empty when none changed
   */
  public List<Integer> restoreIfReplaced() {
    if (!active) {
      return List.of();
    }
    MemorySegment current = CURRENT.get();
    boolean moved = false;
    for (int sentinel : SENTINELS) {
      query(sentinel, current);
      moved |= handler(current) != handler(saved.get(sentinel));
    }
    if (!moved) {
      return List.of();
    }
    List<Integer> restored = new ArrayList<>();
    List<String> owners = new ArrayList<>();
    for (Map.Entry<Integer, MemorySegment> entry : saved.entrySet()) {
      int signal = entry.getKey();
      query(signal, current);
      long found = handler(current);
      if (found != handler(entry.getValue())) {
        owners.add(signal + " by " + owner(found));
        install(signal, entry.getValue());
        restored.add(signal);
      }
    }
    if (!restored.isEmpty() && !reported) {
      reported = true;
      LOG.log(System.Logger.Level.INFO, "Harmonics: " + library + " replaced the JVM's handlers"
          + " for signals " + String.join(", ", owners) + "; put the JVM's back (-D"
          + KEEP_PROPERTY + "=false to keep them, or start the JVM with LD_PRELOAD="
          + "$JAVA_HOME/lib/libjsig.so to chain them)");
    }
    return restored;
  }

  /** The handler address now installed for {@code signal}, as {@code sigaction} reports it. */
  public static long installedHandler(int signal) {
    MemorySegment action = CURRENT.get();
    query(signal, action);
    return handler(action);
  }

  /** Whether the JVM runs with libjsig, its signal-chaining library (found by its entry point). */
  public static boolean chainingLibraryLoaded() {
    return symbolAnywhere("JVM_begin_signal_setting");
  }

  private static boolean symbolAnywhere(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment found = (MemorySegment) DLSYM.invokeExact(MemorySegment.NULL,
          arena.allocateFrom(name));
      return !found.equals(MemorySegment.NULL);
    } catch (Throwable t) {
      throw new IllegalStateException("dlsym(" + name + ") failed", t);
    }
  }

  private static long handler(MemorySegment action) {
    return action.get(ValueLayout.JAVA_LONG, 0);
  }

  private static void query(int signal, MemorySegment into) {
    call(signal, MemorySegment.NULL, into);
  }

  private static void install(int signal, MemorySegment action) {
    call(signal, action, MemorySegment.NULL);
  }

  private static void call(int signal, MemorySegment action, MemorySegment previous) {
    int status;
    try {
      status = (int) SIGACTION.invokeExact(signal, action, previous);
    } catch (Throwable t) {
      throw new IllegalStateException("sigaction(" + signal + ") failed", t);
    }
    if (status != 0) {
      throw new IllegalStateException("sigaction(" + signal + ") returned " + status);
    }
  }

  /** The shared library holding {@code address}, for the log line. */
  private static String owner(long address) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(DL_INFO_BYTES, 8);
      int found = (int) DLADDR.invokeExact(MemorySegment.ofAddress(address), info);
      MemorySegment name = info.get(ValueLayout.ADDRESS, 0);
      return found != 0 && !name.equals(MemorySegment.NULL)
          ? name.reinterpret(4096).getString(0) : "0x" + Long.toHexString(address);
    } catch (Throwable t) {
      return "0x" + Long.toHexString(address);
    }
  }
}
