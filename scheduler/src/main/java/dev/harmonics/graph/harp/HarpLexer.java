package dev.harmonics.graph.harp;

import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.Origin;

/**
 * Splits HARP text into tokens, one at a time. Whitespace separates tokens; {@code //} and
 * {@code #} start a comment that runs to the end of the line. Columns count characters from 1,
 * a tab as one.
 */
final class HarpLexer {

  private final String text;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;

  HarpLexer(String text, String file) {
    this.text = text;
    this.file = file;
  }

  /** The next token; {@link TokenKind#END} at the end of the text, and again if asked again. */
  Token next() {
    skipSpaceAndComments();
    Origin at = here();
    if (pos >= text.length()) {
      return new Token(TokenKind.END, "", at);
    }
    char c = text.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      return new Token(TokenKind.NAME, text.substring(start, pos), at);
    }
    if (Character.isDigit(c) || c == '.') {
      return number(at);
    }
    pos++;
    return switch (c) {
      case '{' -> new Token(TokenKind.LEFT_BRACE, "{", at);
      case '}' -> new Token(TokenKind.RIGHT_BRACE, "}", at);
      case '(' -> new Token(TokenKind.LEFT_PAREN, "(", at);
      case ')' -> new Token(TokenKind.RIGHT_PAREN, ")", at);
      case ',' -> new Token(TokenKind.COMMA, ",", at);
      case ';' -> new Token(TokenKind.SEMICOLON, ";", at);
      case '/' -> new Token(TokenKind.SLASH, "/", at);
      case '=' -> new Token(TokenKind.EQUALS, "=", at);
      case '-' -> follows('>') ? new Token(TokenKind.ARROW, "->", at)
          : new Token(TokenKind.MINUS, "-", at);
      case '<' -> {
        if (!follows('-')) {
          throw new GraphException(at, "'<' not followed by '-'", "'<-' or '<-(function)-'");
        }
        yield new Token(TokenKind.BACK_ARROW, "<-", at);
      }
      default -> throw new GraphException(at, "unexpected character '" + printable(c) + "'",
          "a name, a number, one of { } ( ) , ; / = or an arrow (->, -(f)->, <-, <-(f)-)");
    };
  }

  /** Digits, then optionally a fraction and an exponent: {@code 3}, {@code 0.5}, {@code 1e-5}. */
  private Token number(Origin at) {
    int start = pos;
    boolean decimal = false;
    digits();
    if (pos < text.length() && text.charAt(pos) == '.') {
      decimal = true;
      pos++;
      if (digits() == 0 && pos - start == 1) {
        throw new GraphException(at, "'.' without digits", "a number such as 0.5");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      decimal = true;
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
        pos++;
      }
      if (digits() == 0) {
        throw new GraphException(at, "number '" + text.substring(start, pos)
            + "' has an exponent without digits", "a number such as 1e-5");
      }
    }
    if (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
      throw new GraphException(at, "'" + text.substring(start, pos + 1) + "' mixes digits and"
          + " letters", "a number, or a name that starts with a letter or '_'");
    }
    return new Token(decimal ? TokenKind.DECIMAL : TokenKind.INTEGER, text.substring(start, pos),
        at);
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    return pos - start;
  }

  private boolean follows(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpaceAndComments() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#' || (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '/')) {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private Origin here() {
    return new Origin(file, line, pos - lineStart + 1);
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
