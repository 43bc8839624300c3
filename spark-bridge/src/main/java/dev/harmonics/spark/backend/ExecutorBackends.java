package dev.harmonics.spark.backend;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which kernels a task uses in its executor. The backend travels in the Spark conf as
 * {@code spark.harmonics.backend} ({@code auto} by default, or any {@link Backend} id); a GPU that
 * Spark's resource scheduling assigned to the task ({@code TaskContext.resources()}, resource
 * {@code gpu}) becomes the CUDA device index. An executor without a usable GPU falls back to its
 * CPU backends, and says why once per JVM.
 */
public final class ExecutorBackends {

  /** The Spark conf key naming the backend. */
  public static final String BACKEND_CONF = "spark.harmonics.backend";
  private static final System.Logger LOG = System.getLogger(ExecutorBackends.class.getName());
  private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

  private ExecutorBackends() {}

  /** What a task will run on, and why. */
  public record Choice(Backend backend, String reason) {}

  /** The kernels for the task running on this thread (or the driver's, outside a task). */
  public static KernelProvider kernels() {
    return KernelProviders.of(choice().backend());
  }

  /** What the task running on this thread uses (the driver's choice outside a task), and why. */
  public static Choice choice() {
    TaskContext task = TaskContext.get();
    String requested = SparkEnv.get() == null ? "auto"
        : SparkEnv.get().conf().get(BACKEND_CONF, "auto");
    Choice choice = choose(requested, assignedGpu(task));
    if (SAID.add(choice.toString())) {
      LOG.log(System.Logger.Level.INFO, "Harmonics in this executor: " + choice.backend().id()
          + " (" + choice.reason() + ")");
    }
    return choice;
  }

  /** The first GPU address Spark assigned to {@code task}, if any. */
  private static Optional<String> assignedGpu(TaskContext task) {
    if (task == null) {
      return Optional.empty();
    }
    scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return Optional.empty();
    }
    return Optional.of(gpu.get().addresses()[0]);
  }

  /**
   * The decision itself: an explicit backend is honoured exactly (it fails later with its reason
   * if it cannot run); {@code auto} with a GPU address takes CUDA on that device when CUDA can
   * run, and otherwise the best CPU backend.
   */
  public static Choice choose(String requested, Optional<String> gpuAddress) {
    Backend backend = Backend.fromId(requested);
    if (backend != Backend.AUTO) {
      return new Choice(backend, "requested by " + BACKEND_CONF);
    }
    if (gpuAddress.isPresent()) {
      if (System.getProperty("harmonics.cuda.device") == null) {
        System.setProperty("harmonics.cuda.device", gpuAddress.get());
      }
      var cuda = KernelProviders.availability(Backend.CUDA);
      if (cuda.available()) {
        return new Choice(Backend.CUDA, "Spark assigned GPU " + gpuAddress.get());
      }
      return new Choice(cpuBackend(), "Spark assigned GPU " + gpuAddress.get()
          + " but CUDA cannot run here: " + cuda.reason());
    }
    return new Choice(cpuBackend(), "no GPU assigned to this task");
  }

  private static Backend cpuBackend() {
    for (Backend b : new Backend[] {Backend.NATIVE_CPU, Backend.SIMD}) {
      if (KernelProviders.availability(b).available()) {
        return b;
      }
    }
    return Backend.REFERENCE;
  }
}
