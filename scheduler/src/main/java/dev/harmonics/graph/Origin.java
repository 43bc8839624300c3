package dev.harmonics.graph;

import java.io.Serializable;

/**
 * Where a declaration or flow line was written: a file with a 1-based line and column, or
 * {@link #NONE} for graphs built in Java. Errors name it so a user can find the culprit.
 *
 * @param file the file name as given to the parser
 * @param line 1-based line
 * @param column 1-based column
 */
public record Origin(String file, int line, int column) implements Serializable {

  /** No source position: the graph was built in Java. */
  public static final Origin NONE = new Origin("", 0, 0);

  /** Whether this is a real source position. */
  public boolean known() {
    return line > 0;
  }

  /** {@code file:line:column}, or the empty string for {@link #NONE}. */
  @Override
  public String toString() {
    return known() ? file + ":" + line + ":" + column : "";
  }
}
