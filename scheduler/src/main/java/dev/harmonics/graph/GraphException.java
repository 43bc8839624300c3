package dev.harmonics.graph;

/**
 * A graph that cannot be built or a HARP file that cannot be read. The message reads
 * {@code file:line:column: problem (expected: what would have been accepted)}; the position is
 * left out for graphs built in Java, where the problem names the node instead.
 */
public class GraphException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final Origin origin;
  private final String problem;
  private final String expected;

  /**
   * @param origin where the offending text is, or {@link Origin#NONE}
   * @param problem what is wrong, naming the node or token
   * @param expected what would have been accepted there
   */
  public GraphException(Origin origin, String problem, String expected) {
    super(format(origin, problem, expected));
    this.origin = origin;
    this.problem = problem;
    this.expected = expected;
  }

  private static String format(Origin origin, String problem, String expected) {
    String where = origin.known() ? origin + ": " : "";
    return where + problem + " (expected: " + expected + ")";
  }

  /** Where the problem is, or {@link Origin#NONE}. */
  public Origin origin() {
    return origin;
  }

  /** What is wrong. */
  public String problem() {
    return problem;
  }

  /** What would have been accepted. */
  public String expected() {
    return expected;
  }
}
