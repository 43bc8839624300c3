package dev.harmonics.backend.cuda.conformance;

import dev.harmonics.kernel.Availability;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where the CUDA backend is available; elsewhere every test is skipped with
 * the backend's reason (for example "no libcuda.so.1 ..."). {@code scripts/gpu-check.sh} runs these
 * classes on a machine with a GPU.
 */
public final class RequiresCudaDevice implements ExecutionCondition {

  /** The CUDA provider; call only from tests this condition let run. */
  static KernelProvider provider() {
    return KernelProviders.of(Backend.CUDA);
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Availability cuda = KernelProviders.availability(Backend.CUDA);
    return cuda.available()
        ? ConditionEvaluationResult.enabled("CUDA: " + cuda.reason())
        : ConditionEvaluationResult.disabled("no CUDA device to test on: " + cuda.reason());
  }
}
