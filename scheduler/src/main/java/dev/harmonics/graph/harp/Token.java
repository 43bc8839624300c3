package dev.harmonics.graph.harp;

import dev.harmonics.graph.Origin;

/** One token: its kind, its text as written and where it starts. */
record Token(TokenKind kind, String text, Origin origin) {

  /** How the token reads in an error message: {@code 'relux'} or {@code end of file}. */
  String describe() {
    return kind == TokenKind.END ? "end of file" : "'" + text + "'";
  }
}
