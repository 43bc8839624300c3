package dev.harmonics.graph.harp;

import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.GraphBuilder;
import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.LayerSpec;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.Origin;
import dev.harmonics.graph.Ratio;
import dev.harmonics.graph.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a HARP file into a {@link HarmonicGraph}, the same graph the {@link GraphBuilder} would
 * build from the same declarations. A hand-written recursive-descent parser over the tokens of
 * {@link HarpLexer}; the grammar is in {@code docs/harp.md}:
 *
 * <pre>{@code
 * file      = "harmonic" NAME "{" statement* "}"
 * statement = "producer" NAME (shape | ratio) ";"
 *           | "consumer" NAME shape? ";"
 *           | "layer" NAME (ratio | kind)? ";"
 *           | "cycle" "{" flow* "}"
 * shape     = "{" INTEGER ("," INTEGER)* "}"
 * ratio     = INTEGER "/" INTEGER NAME
 * kind      = NAME ("(" (setting ("," setting)*)? ")")?
 * setting   = (NAME "=")? (INTEGER | DECIMAL | "true" | "false")
 * flow      = NAME (arrow NAME)+ ";"
 * arrow     = "->" | "-(" function ")->" | "<-" | "<-(" function ")-"
 * function  = NAME ("(" number ")")?
 * }</pre>
 *
 * <p>Every error is a {@link GraphException} whose message starts with {@code file:line:column}
 * and ends with what was expected there; the first error stops the parse.
 */
public final class HarpParser {

  private final HarpLexer lexer;
  private final List<Token> tokens = new ArrayList<>();
  private int index;
  private GraphBuilder builder;
  private final Map<String, Token> declared = new LinkedHashMap<>();
  private final List<Token> references = new ArrayList<>();
  private boolean sawCycle;

  private HarpParser(HarpLexer lexer) {
    this.lexer = lexer;
  }

  /**
   * Parses the HARP file at {@code file}; errors name it by its file name.
   *
   * @throws IOException when it cannot be read
   * @throws GraphException when it is not a valid graph
   */
  public static HarmonicGraph parse(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Path fileName = file.getFileName();
    return parse(text, fileName == null ? file.toString() : fileName.toString());
  }

  /**
   * Parses HARP {@code text}; errors name {@code fileName}.
   *
   * @throws GraphException when it is not a valid graph
   */
  public static HarmonicGraph parse(String text, String fileName) {
    return new HarpParser(new HarpLexer(text, fileName)).file();
  }

  private HarmonicGraph file() {
    Token keyword = peek();
    if (!isWord(keyword, "harmonic")) {
      throw unexpected(keyword, "'harmonic NAME {' at the start of the file");
    }
    index++;
    Token name = expect(TokenKind.NAME, "the graph's name after 'harmonic'");
    builder = HarmonicGraph.builder(name.text());
    expect(TokenKind.LEFT_BRACE, "'{' after 'harmonic " + name.text() + "'");
    while (peek().kind() != TokenKind.RIGHT_BRACE) {
      statement();
    }
    index++;
    expect(TokenKind.END, "end of file after the '}' closing 'harmonic " + name.text() + "'");
    checkReferences();
    if (!sawCycle) {
      throw new GraphException(keyword.origin(), "graph '" + name.text() + "' has no cycle block",
          "a 'cycle { ... }' block with flow lines such as 'images -> hidden;'");
    }
    return builder.build();
  }

  private void statement() {
    Token word = peek();
    if (word.kind() != TokenKind.NAME) {
      throw unexpected(word, "a statement (producer, consumer, layer or cycle) or '}'");
    }
    index++;
    switch (word.text()) {
      case "producer" -> producer();
      case "consumer" -> consumer();
      case "layer" -> layer();
      case "cycle" -> cycle(word);
      default -> throw new GraphException(word.origin(), "unknown statement '" + word.text() + "'",
          "producer, consumer, layer or cycle");
    }
  }

  private void producer() {
    Token name = declareName("producer");
    Token next = peek();
    if (next.kind() == TokenKind.LEFT_BRACE) {
      builder.at(name.origin()).producer(name.text(), shape());
    } else if (next.kind() == TokenKind.INTEGER) {
      builder.at(name.origin()).producer(name.text(), ratio());
    } else {
      throw unexpected(next, "a shape such as {784} or a ratio such as 1/2 images after producer '"
          + name.text() + "'");
    }
    endOfStatement(name);
  }

  private void consumer() {
    Token name = declareName("consumer");
    if (peek().kind() == TokenKind.LEFT_BRACE) {
      builder.at(name.origin()).consumer(name.text(), shape());
    } else {
      builder.at(name.origin()).consumer(name.text());
    }
    endOfStatement(name);
  }

  private void layer() {
    Token name = declareName("layer");
    Token next = peek();
    builder.at(name.origin());
    switch (next.kind()) {
      case INTEGER -> builder.layer(name.text(), ratio());
      case NAME -> builder.layer(name.text(), layerKind());
      case SEMICOLON -> builder.layer(name.text());
      default -> throw unexpected(next, "a layer kind (" + LayerSyntax.keywords()
          + "), a ratio such as 1/2 input, or ';' after layer '" + name.text() + "'");
    }
    endOfStatement(name);
  }

  private LayerSpec layerKind() {
    Token keyword = peek();
    index++;
    LayerSyntax.Kind kind = LayerSyntax.kind(keyword.text()).orElseThrow(() ->
        new GraphException(keyword.origin(), "unknown layer kind '" + keyword.text() + "'",
            "one of " + LayerSyntax.keywords()));
    Map<String, Object> given = new LinkedHashMap<>();
    if (peek().kind() == TokenKind.LEFT_PAREN) {
      index++;
      if (peek().kind() != TokenKind.RIGHT_PAREN) {
        setting(kind, given);
        while (peek().kind() == TokenKind.COMMA) {
          index++;
          setting(kind, given);
        }
      }
      expect(TokenKind.RIGHT_PAREN, "',' or ')' in the settings of " + kind.signature());
    }
    for (LayerSyntax.Setting s : kind.settings()) {
      if (s.required() && !given.containsKey(s.name())) {
        throw new GraphException(keyword.origin(), keyword.text() + " without its setting '"
            + s.name() + "'", kind.signature() + " with " + s.name() + " given");
      }
    }
    try {
      return kind.make().apply(new LayerSyntax.Values(given));
    } catch (IllegalArgumentException e) {
      throw fromSettingCheck(keyword.origin(), e);
    }
  }

  /** One {@code name=value} or positional value, checked against the kind's settings. */
  private void setting(LayerSyntax.Kind kind, Map<String, Object> given) {
    LayerSyntax.Setting setting;
    Token first = peek();
    if (first.kind() == TokenKind.NAME && token(index + 1).kind() == TokenKind.EQUALS) {
      index += 2;
      setting = kind.setting(first.text()).orElseThrow(() -> new GraphException(first.origin(),
          "unknown setting '" + first.text() + "' of " + kind.keyword(), kind.signature()));
      if (given.containsKey(setting.name())) {
        throw new GraphException(first.origin(), "setting '" + first.text() + "' given twice",
            "each setting of " + kind.signature() + " once");
      }
    } else {
      if (given.size() >= kind.settings().size()) {
        throw unexpected(first, "at most " + kind.settings().size() + " settings for "
            + kind.signature());
      }
      setting = kind.settings().get(given.size());
      if (given.containsKey(setting.name())) {
        throw unexpected(first, "positional settings before named ones in " + kind.signature());
      }
    }
    given.put(setting.name(), value(setting, kind));
  }

  private Object value(LayerSyntax.Setting setting, LayerSyntax.Kind kind) {
    Token token = peek();
    String what = setting.type().description + " for " + setting.name() + " of "
        + kind.signature();
    Object value = switch (setting.type()) {
      case INTEGER -> token.kind() == TokenKind.INTEGER ? integer(token) : null;
      case NUMBER -> token.kind() == TokenKind.INTEGER || token.kind() == TokenKind.DECIMAL
          ? Double.parseDouble(token.text()) : null;
      case BOOLEAN -> isWord(token, "true") ? Boolean.TRUE
          : isWord(token, "false") ? Boolean.FALSE : null;
    };
    if (value == null) {
      throw unexpected(token, what);
    }
    index++;
    return value;
  }

  private Shape shape() {
    expect(TokenKind.LEFT_BRACE, "'{' starting a shape");
    List<Integer> dims = new ArrayList<>();
    dims.add(dimension());
    while (peek().kind() == TokenKind.COMMA) {
      index++;
      dims.add(dimension());
    }
    Token close = expect(TokenKind.RIGHT_BRACE, "',' or '}' in a shape such as {1,28,28}");
    try {
      return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    } catch (ArithmeticException e) {
      throw new GraphException(close.origin(), "shape " + dims + " has more than "
          + Integer.MAX_VALUE + " elements", "a smaller shape");
    }
  }

  private int dimension() {
    Token token = expect(TokenKind.INTEGER, "an integer dimension");
    int dim = integer(token);
    if (dim < 1) {
      throw new GraphException(token.origin(), "dimension " + dim, "an integer >= 1");
    }
    return dim;
  }

  private Ratio ratio() {
    Token numerator = expect(TokenKind.INTEGER, "a ratio such as 1/2 input");
    expect(TokenKind.SLASH, "'/' in a ratio such as 1/2 input");
    Token denominator = expect(TokenKind.INTEGER, "the denominator of a ratio such as 1/2 input");
    Token reference = expect(TokenKind.NAME, "the node a ratio refers to, as in 1/2 input");
    int n = integer(numerator);
    int d = integer(denominator);
    if (n < 1 || d < 1) {
      Token bad = n < 1 ? numerator : denominator;
      throw new GraphException(bad.origin(), "bad ratio " + n + "/" + d + " " + reference.text(),
          "a numerator and denominator of at least 1");
    }
    references.add(reference);
    return new Ratio(n, d, reference.text());
  }

  private void cycle(Token word) {
    sawCycle = true;
    builder.cycleAt(word.origin());
    expect(TokenKind.LEFT_BRACE, "'{' after 'cycle'");
    while (peek().kind() != TokenKind.RIGHT_BRACE) {
      flowLine();
    }
    index++;
  }

  private record Arrow(Token at, boolean backward, EdgeActivation activation, float alpha,
      Loss loss) {}

  private void flowLine() {
    Token first = expect(TokenKind.NAME, "a flow line starting with a node name, or '}'");
    references.add(first);
    List<Token> names = new ArrayList<>(List.of(first));
    List<Arrow> arrows = new ArrayList<>();
    do {
      arrows.add(arrow());
      Token next = expect(TokenKind.NAME, "a node name after the arrow");
      references.add(next);
      names.add(next);
    } while (startsArrow(peek()));
    expect(TokenKind.SEMICOLON, "an arrow or ';' at the end of the flow line");
    for (int i = 0; i < arrows.size(); i++) {
      Arrow arrow = arrows.get(i);
      Token left = names.get(i);
      Token right = names.get(i + 1);
      if (arrow.loss() != null) {
        if (arrows.size() > 1) {
          throw new GraphException(arrow.at().origin(), "a loss tap inside a longer flow line",
              "a loss tap on a line of its own: 'output <-(" + arrow.loss().harpName()
                  + ")- target;'");
        }
        builder.at(left.origin()).lossTap(left.text(), arrow.loss(), right.text());
      } else if (arrow.backward()) {
        builder.at(left.origin()).connect(right.text(), arrow.activation(), arrow.alpha(),
            left.text());
      } else {
        builder.at(right.origin()).connect(left.text(), arrow.activation(), arrow.alpha(),
            right.text());
      }
    }
  }

  private static boolean startsArrow(Token token) {
    return token.kind() == TokenKind.ARROW || token.kind() == TokenKind.BACK_ARROW
        || token.kind() == TokenKind.MINUS;
  }

  private Arrow arrow() {
    Token start = peek();
    index++;
    switch (start.kind()) {
      case ARROW -> {
        return new Arrow(start, false, EdgeActivation.IDENTITY, 0f, null);
      }
      case BACK_ARROW -> {
        if (peek().kind() != TokenKind.LEFT_PAREN) {
          return new Arrow(start, true, EdgeActivation.IDENTITY, 0f, null);
        }
        index++;
        Arrow arrow = function(start, true);
        expect(TokenKind.RIGHT_PAREN, "')' closing the arrow's function");
        expect(TokenKind.MINUS, "'-' closing a backward arrow '<-(f)-'");
        return arrow;
      }
      case MINUS -> {
        expect(TokenKind.LEFT_PAREN, "'(' in an arrow '-(f)->'");
        Arrow arrow = function(start, false);
        expect(TokenKind.RIGHT_PAREN, "')' closing the arrow's function");
        expect(TokenKind.ARROW, "'->' closing an arrow '-(f)->'");
        return arrow;
      }
      default -> throw unexpected(start, "an arrow: ->, -(f)->, <- or <-(f)-");
    }
  }

  private Arrow function(Token start, boolean backward) {
    Token name = expect(TokenKind.NAME, "an activation or loss name inside the arrow");
    Optional<Loss> loss = Loss.fromHarpName(name.text());
    if (loss.isPresent()) {
      if (!backward) {
        throw new GraphException(name.origin(), "loss '" + name.text() + "' on a forward arrow",
            "a loss tap written backwards: 'output <-(" + name.text() + ")- target;'");
      }
      return new Arrow(start, true, EdgeActivation.IDENTITY, 0f, loss.get());
    }
    EdgeActivation activation = EdgeActivation.fromHarpName(name.text()).orElseThrow(() ->
        new GraphException(name.origin(), "unknown function '" + name.text() + "'",
            "an activation (" + EdgeActivation.harpNames() + ")"
                + (backward ? " or a loss (" + Loss.harpNames() + ")" : "")));
    float alpha = activation.defaultAlpha();
    if (peek().kind() == TokenKind.LEFT_PAREN) {
      index++;
      Token value = peek();
      if (!activation.usesAlpha()) {
        throw new GraphException(value.origin(), name.text() + " given a parameter",
            "no parameter: only leaky_relu, prelu and elu take one");
      }
      if (value.kind() != TokenKind.INTEGER && value.kind() != TokenKind.DECIMAL) {
        throw unexpected(value, "a number, the alpha of " + name.text());
      }
      index++;
      alpha = Float.parseFloat(value.text());
      expect(TokenKind.RIGHT_PAREN, "')' after the alpha of " + name.text());
    }
    return new Arrow(start, backward, activation, alpha, null);
  }

  private Token declareName(String kind) {
    Token name = expect(TokenKind.NAME, "the " + kind + "'s name");
    declared.putIfAbsent(name.text(), name);
    return name;
  }

  private void endOfStatement(Token name) {
    expect(TokenKind.SEMICOLON, "';' ending the declaration of '" + name.text() + "'");
  }

  /** Names used in ratios and flow lines must be declared somewhere in the block. */
  private void checkReferences() {
    for (Token reference : references) {
      if (!declared.containsKey(reference.text())) {
        throw new GraphException(reference.origin(), "unknown node '" + reference.text() + "'",
            "a declared producer, layer or consumer: " + String.join(", ", declared.keySet()));
      }
    }
  }

  private int integer(Token token) {
    try {
      return Integer.parseInt(token.text());
    } catch (NumberFormatException e) {
      throw new GraphException(token.origin(), "integer " + token.text() + " is too large",
          "an integer up to " + Integer.MAX_VALUE);
    }
  }

  private Token peek() {
    return token(index);
  }

  /**
   * The token at {@code position}, read on demand so that the first error in the text is the one
   * reported, whether lexical or syntactic.
   */
  private Token token(int position) {
    while (tokens.size() <= position) {
      Token last = tokens.isEmpty() ? null : tokens.getLast();
      tokens.add(last != null && last.kind() == TokenKind.END ? last : lexer.next());
    }
    return tokens.get(position);
  }

  private Token expect(TokenKind kind, String what) {
    Token token = peek();
    if (token.kind() != kind) {
      throw unexpected(token, what);
    }
    index++;
    return token;
  }

  private static boolean isWord(Token token, String word) {
    return token.kind() == TokenKind.NAME && token.text().equals(word);
  }

  private static GraphException unexpected(Token token, String expected) {
    String problem = token.kind() == TokenKind.END ? "the file ends too soon"
        : "found " + token.describe();
    return new GraphException(token.origin(), problem, expected);
  }

  /** Turns a record's own check, {@code "what (expected: ...)"}, into a positioned error. */
  private static GraphException fromSettingCheck(Origin at, IllegalArgumentException e) {
    String message = e.getMessage();
    int split = message.indexOf(" (expected: ");
    if (split < 0 || !message.endsWith(")")) {
      return new GraphException(at, message, "valid settings");
    }
    return new GraphException(at, message.substring(0, split),
        message.substring(split + " (expected: ".length(), message.length() - 1));
  }
}
