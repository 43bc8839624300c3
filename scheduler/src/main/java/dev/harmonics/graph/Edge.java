package dev.harmonics.graph;

/**
 * One arrow of the cycle: the value of node {@code from}, passed through {@code activation},
 * is the input of node {@code to}.
 *
 * @param from the producer or layer on the arrow's tail
 * @param to the layer or consumer on the arrow's head
 * @param activation the function applied on the way ({@link EdgeActivation#IDENTITY} for
 *     {@code ->})
 * @param alpha the parameter of leaky ReLU, PReLU (its initial value) and ELU; 0 for the others
 * @param origin where the arrow was written
 */
public record Edge(String from, String to, EdgeActivation activation, float alpha, Origin origin) {

  /** The HARP form of the arrow, e.g. {@code -(leaky_relu(0.2))->}. */
  public String arrow() {
    if (activation == EdgeActivation.IDENTITY) {
      return "->";
    }
    String parameter = activation.usesAlpha() ? "(" + alpha + ")" : "";
    return "-(" + activation.harpName() + parameter + ")->";
  }

  @Override
  public String toString() {
    return from + " " + arrow() + " " + to;
  }
}
