package dev.harmonics.backend.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a PTX file the tests check: the {@code .version} and {@code .target} directives and
 * each {@code .entry} with its parameter types ({@code u64}, {@code u32}, {@code f32}, {@code f64},
 * or {@code b8[N]} for a struct of N bytes passed by value).
 */
record PtxModule(String version, String target, Map<String, List<String>> entries) {

  private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\S+)");
  private static final Pattern TARGET = Pattern.compile("(?m)^\\.target\\s+(\\S+)");
  private static final Pattern ENTRY =
      Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile(
      "\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)\\])?");

  static PtxModule parse(String text) {
    Matcher version = VERSION.matcher(text);
    Matcher target = TARGET.matcher(text);
    if (!version.find() || !target.find()) {
      throw new IllegalArgumentException("not PTX: no .version or .target directive");
    }
    Map<String, List<String>> entries = new LinkedHashMap<>();
    Matcher entry = ENTRY.matcher(text);
    while (entry.find()) {
      List<String> params = new ArrayList<>();
      Matcher param = PARAM.matcher(entry.group(2));
      while (param.find()) {
        params.add(param.group(2) == null ? param.group(1)
            : param.group(1) + "[" + param.group(2) + "]");
      }
      entries.put(entry.group(1), params);
    }
    return new PtxModule(version.group(1), target.group(1), entries);
  }
}
