package dev.harmonics.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parameter overrides of quick mode, per benchmark class, read from {@code quick.properties}
 * next to this class (lines {@code <BenchmarkClass>.<param> = v1,v2}).
 */
final class QuickSettings {

  static final String RESOURCE = "quick.properties";

  private final Map<String, Map<String, String[]>> byClass;

  private QuickSettings(Map<String, Map<String, String[]>> byClass) {
    this.byClass = byClass;
  }

  /** The overrides shipped in the benchmarks jar. */
  static QuickSettings load() {
    try (InputStream in = QuickSettings.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the benchmarks jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return parse(properties);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static QuickSettings parse(Properties properties) {
    Map<String, Map<String, String[]>> byClass = new TreeMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      int dot = key.lastIndexOf('.');
      String[] values = properties.getProperty(key).trim().split("\\s*,\\s*");
      if (dot <= 0 || dot == key.length() - 1 || values[0].isEmpty()) {
        throw new IllegalArgumentException(RESOURCE + ": '" + key + " = "
            + properties.getProperty(key) + "' (expected: <BenchmarkClass>.<param> = v1,v2)");
      }
      byClass.computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>())
          .put(key.substring(dot + 1), values);
    }
    return new QuickSettings(byClass);
  }

  /** The overrides for the benchmark class with this fully qualified name; empty when none. */
  Map<String, String[]> paramsFor(String benchmarkClass) {
    String simpleName = benchmarkClass.substring(benchmarkClass.lastIndexOf('.') + 1);
    return byClass.getOrDefault(simpleName, Map.of());
  }
}
