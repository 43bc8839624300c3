package dev.harmonics.spark.train;

import dev.harmonics.secure.Proof;
import java.io.Serializable;
import java.util.List;

/**
 * What one barrier task of a layer-split round sends back: its stage's parameters after the
 * round, and in secure mode the proof chain over them plus what its boundary received.
 *
 * @param replica which copy of the pipeline (data shard) the task belongs to
 * @param stage which partition of the graph it ran
 * @param names the stage's parameter names
 * @param values their values after the round, in the same order
 * @param proofs in secure mode, one proof per value array, chained from the genesis proof
 * @param received what the stage's boundaries received, one line per message
 * @param lossSum the summed step losses (only the stage holding the loss has any)
 * @param steps the pipeline steps the round ran
 */
record StageResult(int replica, int stage, String[] names, float[][] values, List<Proof> proofs,
    List<String> received, double lossSum, int steps) implements Serializable {}
