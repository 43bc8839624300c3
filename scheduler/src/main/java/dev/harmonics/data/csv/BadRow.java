package dev.harmonics.data.csv;

/**
 * A CSV row left out, and why.
 *
 * @param line the row's line in the file, from 1 (a header is line 1)
 * @param column the offending column, from 1, or 0 when the row as a whole is wrong
 * @param columnName the header name of that column, or empty when there is none
 * @param problem what was wrong, naming the value found
 */
public record BadRow(long line, int column, String columnName, String problem) {

  /** "line 4, column 3 (\"width\"): ..." as the reader reports it. */
  public String describe() {
    StringBuilder s = new StringBuilder("line ").append(line);
    if (column > 0) {
      s.append(", column ").append(column);
      if (!columnName.isEmpty()) {
        s.append(" (\"").append(columnName).append("\")");
      }
    }
    return s.append(": ").append(problem).toString();
  }
}
