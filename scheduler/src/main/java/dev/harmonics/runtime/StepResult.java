package dev.harmonics.runtime;

/**
 * What one {@link CycleRuntime#trainStep} did.
 *
 * @param loss the batch's loss, summed over the loss taps
 * @param updated whether the optimizer updated the parameters (false while gradients are still
 *     being accumulated)
 * @param gradientNorm the global gradient norm before clipping, or NaN when not updated
 * @param learningRate the rate of the update, or NaN when not updated
 */
public record StepResult(double loss, boolean updated, double gradientNorm,
    double learningRate) {}
