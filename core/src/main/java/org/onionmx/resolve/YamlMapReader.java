package org.onionmx.resolve;

import static org.onionmx.resolve.MapCollector.quote;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;

/**
 * Reads the onionmx YAML form: a mapping whose keys are onion names ({@code host}, or {@code
 * host:port} as an extension) and whose values are lists of domains; a null value means no domains
 * and a single string means one domain (as the onionmx conversion script reads it).
 *
 * <p>It walks SnakeYAML's event stream ({@link Yaml#parse}) rather than composing a node tree: the
 * tree of a million-domain map, with a {@link org.yaml.snakeyaml.error.Mark} per node, does not fit
 * the heap budget, and events give the same line numbers. Nothing is ever constructed as an object,
 * aliases are refused (so alias bombs cannot expand), and the {@link
 * LoaderOptions#setCodePointLimit code point limit} bounds the input.
 */
final class YamlMapReader {
  /**
   * How deep a misplaced collection may nest before reading stops. The event API has no nesting
   * limit of its own (only SnakeYAML's composer has), and its scanner slows down with depth.
   */
  private static final int MAX_SKIP_DEPTH = 20;

  /**
   * The longest line read. SnakeYAML's scanner keeps a whole line in its window while it scans a
   * scalar and copies the window as it grows, so one huge line costs quadratic time (a 2.4 MB line
   * takes seconds); lines of a real map are short, and 64 Ki characters still hold a flow list of
   * thousands of domains.
   */
  static final int MAX_LINE = 64 * 1024;

  private final Iterator<Event> events;
  private final String source;
  private final MapCollector out;

  private YamlMapReader(Iterator<Event> events, String source, MapCollector out) {
    this.events = events;
    this.source = source;
    this.out = out;
  }

  /**
   * Reads one YAML map into {@code out}; syntax errors and bad entries become problems there.
   *
   * @throws IOException if reading fails other than by malformed input
   */
  static void read(Reader reader, String source, int maxChars, MapCollector out)
      throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(maxChars);
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      new YamlMapReader(yaml.parse(new LineLimit(reader)).iterator(), source, out).stream();
    } catch (Stop e) {
      out.problem(source, e.line, e.getMessage());
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
      out.problem(source, line, "YAML syntax error: " + e.getProblem() + context);
    } catch (YAMLException e) {
      if (e.getCause() instanceof LineTooLong tooLong) {
        out.problem(source, tooLong.line, "line longer than " + MAX_LINE + " characters");
      } else if (e.getCause() instanceof CharacterCodingException) {
        out.problem(source, 0, "not valid UTF-8 text");
      } else if (e.getCause() instanceof IOException io) {
        throw io;
      } else {
        out.problem(source, 0, e.getMessage());
      }
    }
  }

  private void stream() {
    next(); // StreamStart
    Event e = next();
    if (e instanceof StreamEndEvent) {
      out.problem(source, 0, "the file is empty: no map in it");
      return;
    }
    e = next(); // the document's root node
    if (e instanceof MappingStartEvent) {
      mapping();
    } else if (isNull(e)) {
      out.problem(source, line(e), "the document is empty: no map in it");
    } else {
      out.problem(
          source,
          line(e),
          "the top level must be a map from onion names to domain lists, not " + kind(e));
      skip(e);
    }
    if (out.full()) {
      return;
    }
    next(); // DocumentEnd
    e = next();
    if (e instanceof DocumentStartEvent) {
      out.problem(source, line(e), "only one YAML document is allowed in a map file");
    }
  }

  private void mapping() {
    for (Event e = next(); !(e instanceof MappingEndEvent); e = next()) {
      if (out.full()) {
        return;
      }
      if (e instanceof ScalarEvent key) {
        value(isNull(key) ? "" : key.getValue(), line(key));
      } else {
        out.problem(source, line(e), "a key must be an onion name, not " + kind(e));
        skip(e);
        skip(next());
      }
    }
  }

  private void value(String key, int keyLine) {
    OnionTarget target = null;
    InvalidOnionAddressException invalid = null;
    try {
      target = out.target(source, OnionTarget.parse(key));
    } catch (InvalidOnionAddressException ex) {
      invalid = ex;
    }
    out.key(source, keyLine, key, target);
    List<String> deadDomains = new ArrayList<>();
    Event e = next();
    if (e instanceof ScalarEvent scalar) {
      if (!isNull(scalar)) {
        domain(scalar, target, deadDomains);
      }
    } else if (e instanceof SequenceStartEvent) {
      for (e = next(); !(e instanceof SequenceEndEvent); e = next()) {
        if (out.full()) {
          return;
        }
        if (e instanceof ScalarEvent scalar) {
          domain(scalar, target, deadDomains);
        } else {
          out.problem(source, line(e), "a domain must be a string, not " + kind(e));
          skip(e);
        }
      }
    } else {
      out.problem(
          source,
          line(e),
          "the value of " + quote(key) + " must be a list of domains, not " + kind(e));
      skip(e);
    }
    if (invalid != null) {
      out.dead(source, keyLine, key, invalid.reason(), deadDomains);
    }
  }

  private void domain(ScalarEvent scalar, OnionTarget target, List<String> deadDomains) {
    int line = line(scalar);
    String domain = out.domain(source, line, isNull(scalar) ? null : scalar.getValue());
    if (domain == null) {
      return;
    }
    if (target != null) {
      out.route(source, line, domain, target);
    } else {
      deadDomains.add(domain);
    }
  }

  /** Consumes the rest of a node whose first event is {@code first}. */
  private void skip(Event first) {
    if (!(first instanceof CollectionStartEvent)) {
      return;
    }
    int depth = 1;
    while (depth > 0) {
      Event e = next();
      if (e instanceof CollectionStartEvent) {
        if (++depth > MAX_SKIP_DEPTH) {
          throw new Stop(line(e), "nested deeper than a map ever is: stopped reading");
        }
      } else if (e instanceof MappingEndEvent || e instanceof SequenceEndEvent) {
        depth--;
      }
    }
  }

  private Event next() {
    Event e = events.next();
    if (e instanceof AliasEvent) {
      throw new Stop(line(e), "YAML aliases (*name) are not allowed in a map");
    }
    return e;
  }

  private static boolean isNull(Event e) {
    if (!(e instanceof ScalarEvent s)) {
      return false;
    }
    if ("tag:yaml.org,2002:null".equals(s.getTag()) || "!!null".equals(s.getTag())) {
      return true;
    }
    if (!s.getImplicit().canOmitTagInPlainScalar()) {
      return false;
    }
    String v = s.getValue();
    return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
  }

  private static int line(Event e) {
    return e.getStartMark() == null ? 0 : e.getStartMark().getLine() + 1;
  }

  private static String kind(Event e) {
    if (e instanceof MappingStartEvent) {
      return "a map";
    } else if (e instanceof SequenceStartEvent) {
      return "a list";
    } else if (e instanceof ScalarEvent) {
      return isNull(e) ? "an empty value" : "a single string";
    }
    return "'" + e.getEventId() + "'";
  }

  /** Input this reader refuses outright (an alias, deep nesting): reading of the source stops. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;

    Stop(int line, String problem) {
      super(problem, null, false, false);
      this.line = line;
    }
  }

  /**
   * Fails a read that would pass a line longer than {@link #MAX_LINE}. Lines end where SnakeYAML
   * ends them: at LF, CR, CR LF, NEL, LS or PS.
   */
  private static final class LineLimit extends FilterReader {
    private int line = 1;
    private int column;
    private boolean afterCr;

    LineLimit(Reader in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      char[] one = new char[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      for (int i = off; i < off + n; i++) {
        char c = buf[i];
        if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
          if (!(c == '\n' && afterCr)) {
            line++;
          }
          column = 0;
          afterCr = c == '\r';
        } else if (++column > MAX_LINE) {
          throw new LineTooLong(line);
        } else {
          afterCr = false;
        }
      }
      return n;
    }
  }

  /** Thrown through SnakeYAML, which wraps it in a {@link YAMLException}. */
  private static final class LineTooLong extends IOException {
    private static final long serialVersionUID = 1L;
    final int line;

    LineTooLong(int line) {
      super("line " + line + " is too long");
      this.line = line;
    }
  }
}
