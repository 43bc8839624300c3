package dev.harmonics.graph.harp;

/** The kinds of token in a HARP file, with how each reads in an error message. */
enum TokenKind {
  NAME("a name"),
  INTEGER("an integer"),
  DECIMAL("a number"),
  LEFT_BRACE("'{'"),
  RIGHT_BRACE("'}'"),
  LEFT_PAREN("'('"),
  RIGHT_PAREN("')'"),
  COMMA("','"),
  SEMICOLON("';'"),
  SLASH("'/'"),
  EQUALS("'='"),
  MINUS("'-'"),
  /** {@code ->}. */
  ARROW("'->'"),
  /** {@code <-}. */
  BACK_ARROW("'<-'"),
  END("end of file");

  final String description;

  TokenKind(String description) {
    this.description = description;
  }
}
