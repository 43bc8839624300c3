package dev.harmonics.graph.harp;

import dev.harmonics.graph.BatchNorm;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.Embedding;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.LayerNorm;
import dev.harmonics.graph.LayerSpec;
import dev.harmonics.graph.MultiHeadAttention;
import dev.harmonics.graph.Pool2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The layer kinds a HARP file can name, with their settings, in the order positional values fill
 * them: {@code conv2d(32, 3, padding=1)} is {@code conv2d(out=32, kernel=3, padding=1)}.
 */
final class LayerSyntax {

  /** What a setting accepts. */
  enum Type {
    INTEGER("an integer"), NUMBER("a number"), BOOLEAN("true or false");

    final String description;

    Type(String description) {
      this.description = description;
    }
  }

  /** One setting; {@code fallback} is null when it is required. */
  record Setting(String name, Type type, String fallback) {

    boolean required() {
      return fallback == null;
    }

    @Override
    public String toString() {
      return name + (required() ? "" : "=" + fallback);
    }
  }

  /** A layer kind: its keyword, settings and how the record is made from given values. */
  record Kind(String keyword, List<Setting> settings, Function<Values, LayerSpec> make) {

    Optional<Setting> setting(String name) {
      return settings.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** E.g. {@code conv2d(out, kernel, stride=1, ...)}, for error messages and docs. */
    String signature() {
      return keyword + settings.stream().map(Setting::toString)
          .collect(Collectors.joining(", ", "(", ")"));
    }
  }

  /** Values given for a kind's settings, already checked against their types. */
  record Values(Map<String, Object> given) {

    int integer(String name, int fallback) {
      Object v = given.get(name);
      return v == null ? fallback : (Integer) v;
    }

    double number(String name, double fallback) {
      Object v = given.get(name);
      return v == null ? fallback : ((Number) v).doubleValue();
    }

    boolean bool(String name, boolean fallback) {
      Object v = given.get(name);
      return v == null ? fallback : (Boolean) v;
    }

    /** A required integer: present, since the parser checked required settings. */
    int integer(String name) {
      return (Integer) given.get(name);
    }

    double number(String name) {
      return ((Number) given.get(name)).doubleValue();
    }
  }

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    add(Dense.KIND, v -> new Dense(v.integer("units"), v.bool("bias", true)),
        required("units", Type.INTEGER), optional("bias", Type.BOOLEAN, "true"));
    add(Conv2d.KIND, v -> new Conv2d(v.integer("out"), v.integer("kernel"),
            v.integer("stride", 1), v.integer("padding", 0), v.integer("dilation", 1),
            v.integer("groups", 1), v.bool("bias", true)),
        required("out", Type.INTEGER), required("kernel", Type.INTEGER),
        optional("stride", Type.INTEGER, "1"), optional("padding", Type.INTEGER, "0"),
        optional("dilation", Type.INTEGER, "1"), optional("groups", Type.INTEGER, "1"),
        optional("bias", Type.BOOLEAN, "true"));
    for (Pool2d.Mode mode : Pool2d.Mode.values()) {
      add(mode.kind(), v -> new Pool2d(mode, v.integer("kernel"),
              v.integer("stride", v.integer("kernel")), v.integer("padding", 0)),
          required("kernel", Type.INTEGER), optional("stride", Type.INTEGER, "kernel"),
          optional("padding", Type.INTEGER, "0"));
    }
    add(BatchNorm.KIND, v -> new BatchNorm(v.number("epsilon", BatchNorm.DEFAULT_EPSILON),
            v.number("momentum", BatchNorm.DEFAULT_MOMENTUM)),
        optional("epsilon", Type.NUMBER, "1e-5"), optional("momentum", Type.NUMBER, "0.1"));
    add(LayerNorm.KIND, v -> new LayerNorm(v.number("epsilon", LayerNorm.DEFAULT_EPSILON)),
        optional("epsilon", Type.NUMBER, "1e-5"));
    add(Dropout.KIND, v -> new Dropout(v.number("rate")), required("rate", Type.NUMBER));
    add(Flatten.KIND, v -> new Flatten());
    add(Embedding.KIND, v -> new Embedding(v.integer("vocab"), v.integer("dim")),
        required("vocab", Type.INTEGER), required("dim", Type.INTEGER));
    add(MultiHeadAttention.KIND, v -> new MultiHeadAttention(v.integer("heads"),
            v.integer("dim"), v.bool("bias", true)),
        required("heads", Type.INTEGER), required("dim", Type.INTEGER),
        optional("bias", Type.BOOLEAN, "true"));
  }

  private LayerSyntax() {}

  private static void add(String keyword, Function<Values, LayerSpec> make, Setting... settings) {
    KINDS.put(keyword, new Kind(keyword, List.of(settings), make));
  }

  private static Setting required(String name, Type type) {
    return new Setting(name, type, null);
  }

  private static Setting optional(String name, Type type, String fallback) {
    return new Setting(name, type, fallback);
  }

  /** The kind with this keyword, or empty. */
  static Optional<Kind> kind(String keyword) {
    return Optional.ofNullable(KINDS.get(keyword));
  }

  /** Every kind's keyword, comma-separated, for error messages. */
  static String keywords() {
    return String.join(", ", KINDS.keySet());
  }
}
