package dev.harmonics.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link PrecisionPolicy} as one line of text for checkpoints and reads it back:
 * {@code auto}, {@code max-bits:8}, {@code entropy-limit:0.01}, or
 * {@code per-layer:conv1=4,dense1=8|<fallback>} with the fallback in the same form.
 */
final class PrecisionCodec {

  private PrecisionCodec() {}

  static String encode(PrecisionPolicy policy) {
    return switch (policy) {
      case PrecisionPolicy.Auto a -> "auto";
      case PrecisionPolicy.MaxBits m -> "max-bits:" + m.bits();
      case PrecisionPolicy.EntropyLimit e -> "entropy-limit:" + e.limit();
      case PrecisionPolicy.PerLayer p -> {
        StringBuilder sb = new StringBuilder("per-layer:");
        new java.util.TreeMap<>(p.bits()).forEach((layer, bits) -> sb
            .append(sb.length() > "per-layer:".length() ? "," : "").append(layer).append('=')
            .append(bits));
        yield sb.append('|').append(encode(p.fallback())).toString();
      }
    };
  }

  static PrecisionPolicy decode(String text) {
    if (text.equals("auto")) {
      return PrecisionPolicy.auto();
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    try {
      return switch (kind) {
        case "max-bits" -> new PrecisionPolicy.MaxBits(Integer.parseInt(rest));
        case "entropy-limit" -> new PrecisionPolicy.EntropyLimit(Double.parseDouble(rest));
        case "per-layer" -> {
          int bar = rest.indexOf('|');
          if (bar < 0) {
            throw new IllegalArgumentException("no fallback after '|'");
          }
          Map<String, Integer> bits = new LinkedHashMap<>();
          for (String entry : rest.substring(0, bar).split(",")) {
            if (!entry.isEmpty()) {
              String[] kv = entry.split("=", 2);
              bits.put(kv[0], Integer.parseInt(kv[1]));
            }
          }
          yield new PrecisionPolicy.PerLayer(bits, decode(rest.substring(bar + 1)));
        }
        default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("precision policy '" + text + "': " + e.getMessage(), e);
    }
  }
}
