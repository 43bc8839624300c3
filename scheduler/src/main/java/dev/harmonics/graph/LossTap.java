package dev.harmonics.graph;

/**
 * A training tap {@code node <-(loss)- target}: the loss between the value of {@code node} and a
 * sample of the producer {@code target}. Training minimises the sum of all taps' losses.
 *
 * @param node the tapped layer or consumer
 * @param loss the loss function
 * @param target the producer holding the expected values
 * @param encoding how the target's values are laid out
 * @param origin where the tap was written
 */
public record LossTap(
    String node, Loss loss, String target, TargetEncoding encoding, Origin origin) {

  /** How a target sample relates to the tapped value. */
  public enum TargetEncoding {
    /** The same shape as the value: one-hot or probabilities, or regression targets. */
    DENSE,
    /**
     * Cross-entropy only: the value's shape with the last dimension 1, holding the class index
     * (an integer carried as a float) along the last dimension of the value.
     */
    CLASS_INDEX
  }

  @Override
  public String toString() {
    return node + " <-(" + loss.harpName() + ")- " + target;
  }
}
