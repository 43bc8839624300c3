package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.tensor.Tensor;

/**
 * A producer feeding the graph: its features go to one producer node, and its labels, when it
 * has them, to a target producer of a class-index loss tap.
 *
 * @param producer the data
 * @param featuresNode the producer node its features feed
 * @param labelsNode the target node its labels feed, or null
 * @param flatten whether samples are flattened to the node's one dimension
 */
record Binding(Producer<Batch> producer, String featuresNode, String labelsNode,
    boolean flatten) {

  /** The features of {@code batch} as the node expects them. */
  Tensor features(Batch batch) {
    Tensor f = batch.features();
    return flatten ? f.reshape(f.dim(0), -1) : f;
  }
}
