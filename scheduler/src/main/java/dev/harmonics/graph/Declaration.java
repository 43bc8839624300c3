package dev.harmonics.graph;

/**
 * A node as the builder received it, before shapes are resolved. A layer without a spec is dense,
 * with its units from {@code ratio} or, without one, equal to its input's last dimension.
 */
record Declaration(
    String name, Kind kind, Shape shape, Ratio ratio, LayerSpec spec, Origin origin) {

  enum Kind {
    PRODUCER("producer"), LAYER("layer"), CONSUMER("consumer");

    final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  /** Short description for messages, e.g. {@code layer 'conv1' (conv2d)}. */
  String describe() {
    String what = kind == Kind.LAYER ? " (" + (spec == null ? Dense.KIND : spec.kind()) + ")" : "";
    return kind.word + " '" + name + "'" + what;
  }
}
