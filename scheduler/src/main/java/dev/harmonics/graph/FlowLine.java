package dev.harmonics.graph;

import java.util.Objects;

/**
 * A flow line being written in Java: {@code builder.flow("images").to("h1").to(RELU, "h2")} adds
 * the arrows {@code images -> h1} and {@code h1 -(relu)-> h2}. Each arrow applies its function to
 * the node on its left and feeds the node on its right. Arrows are added as the line is written.
 */
public final class FlowLine {

  private final GraphBuilder builder;
  private String last;

  FlowLine(GraphBuilder builder, String first) {
    this.builder = builder;
    this.last = Objects.requireNonNull(first, "first");
  }

  /** A plain arrow {@code -> next}. */
  public FlowLine to(String next) {
    return to(EdgeActivation.IDENTITY, next);
  }

  /** An arrow {@code -(activation)-> next} with the activation's default alpha. */
  public FlowLine to(EdgeActivation activation, String next) {
    return to(activation, activation.defaultAlpha(), next);
  }

  /** An arrow {@code -(activation(alpha))-> next}, for leaky ReLU, PReLU and ELU. */
  public FlowLine to(EdgeActivation activation, float alpha, String next) {
    builder.connect(last, activation, alpha, next);
    last = next;
    return this;
  }

  /** The builder, to go on declaring. */
  public GraphBuilder done() {
    return builder;
  }
}
