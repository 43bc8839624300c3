package dev.harmonics.partition;

import java.util.List;
import java.util.Objects;

/**
 * How a graph is deployed: one {@link Placement} per partition, in pipeline order, and whether
 * the partitions chain proofs over the tensors they exchange (secure mode).
 *
 * @param partitions the placements, at least one
 * @param secure whether boundary tensors travel with a proof of the sender's chain
 */
public record DeploymentDescriptor(List<Placement> partitions, boolean secure) {

  public DeploymentDescriptor {
    Objects.requireNonNull(partitions, "partitions");
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("partitions: none (expected: at least one placement)");
    }
    partitions = List.copyOf(partitions);
  }

  /** The placements given, not secure. */
  public static DeploymentDescriptor of(Placement... placements) {
    return new DeploymentDescriptor(List.of(placements), false);
  }

  /** The same placements in secure mode. */
  public DeploymentDescriptor withSecure(boolean on) {
    return new DeploymentDescriptor(partitions, on);
  }
}
