package org.onionmx.resolve;

import static org.onionmx.resolve.MapCollector.quote;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Postfix transport table as {@code postmap(1)} does: one {@code domain transport:nexthop}
 * entry per logical line, where the next hop is {@code [x.onion]}, {@code [x.onion]:port}, {@code
 * x.onion} or {@code x.onion:port}; lines whose first non-blank character is {@code #} and blank
 * lines are skipped; a line starting with whitespace continues the entry before it. The line {@code
 * .onion smtptor:} (route every onion domain through Tor) is accepted and skipped: onion domains
 * are routed directly anyway. A next hop that is not a v3 onion makes a dead entry.
 *
 * <p>Hand-written because there is no Java library for this format, and because it must bound what
 * it holds: lines longer than {@value #MAX_LINE} characters are reported and skipped unbuffered.
 */
final class PostfixMapReader {
  static final int MAX_LINE = 4096;

  private final String source;
  private final MapCollector out;

  /** Parsed next hops: an onion's checksum is computed once, not once per domain. */
  private final Map<String, Object> hops = new HashMap<>();

  private final StringBuilder entry = new StringBuilder();
  private int entryLine;
  private int lineNo = 1;
  private boolean entryTooLong;

  private PostfixMapReader(String source, MapCollector out) {
    this.source = source;
    this.out = out;
  }

  /**
   * Reads one transport table into {@code out}; bad lines become problems there.
   *
   * @throws IOException if reading fails other than by malformed input
   */
  static void read(Reader in, String source, int maxChars, MapCollector out) throws IOException {
    PostfixMapReader r = new PostfixMapReader(source, out);
    try {
      r.lines(in, maxChars);
    } catch (CharacterCodingException e) {
      out.problem(source, r.lineNo, "not valid UTF-8 text");
    }
  }

  private void lines(Reader in, int maxChars) throws IOException {
    char[] buf = new char[8192];
    StringBuilder line = new StringBuilder();
    boolean tooLong = false;
    long total = 0;
    for (int n = in.read(buf); n >= 0 && !out.full(); n = in.read(buf)) {
      total += n;
      if (total > maxChars) {
        out.problem(
            source, lineNo, "the file is larger than the limit of " + maxChars + " characters");
        return;
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          if (!tooLong) {
            line.append(buf, start, i - start);
          }
          physical(line, tooLong, lineNo++);
          line.setLength(0);
          tooLong = false;
          start = i + 1;
        }
      }
      if (!tooLong) {
        line.append(buf, start, n - start);
        if (line.length() > MAX_LINE) {
          tooLong = true;
          line.setLength(0);
        }
      }
    }
    if (tooLong || line.length() > 0) {
      physical(line, tooLong, lineNo);
    }
    flush();
  }

  private void physical(StringBuilder line, boolean tooLong, int number) {
    if (tooLong || line.length() > MAX_LINE) {
      flush();
      out.problem(source, number, "line longer than " + MAX_LINE + " characters");
      entryLine = number;
      entryTooLong = true; // swallow its continuation lines
      return;
    }
    int first = 0;
    while (first < line.length() && isBlank(line.charAt(first))) {
      first++;
    }
    if (first == line.length() || line.charAt(first) == '#') {
      return;
    }
    if (first > 0) {
      if (entryLine == 0) {
        out.problem(source, number, "a line starting with whitespace continues no entry");
      } else if (!entryTooLong && entry.length() + line.length() <= MAX_LINE) {
        entry.append(' ').append(line, first, line.length());
      } else if (!entryTooLong) {
        out.problem(source, entryLine, "entry longer than " + MAX_LINE + " characters");
        entryTooLong = true;
      }
      return;
    }
    flush();
    entry.append(line);
    entryLine = number;
  }

  private void flush() {
    if (entryTooLong) {
      entryTooLong = false;
    } else if (entry.length() > 0) {
      entry(entry.toString(), entryLine);
    }
    entry.setLength(0);
  }

  private void entry(String text, int line) {
    int n = text.length();
    int i = skipBlanks(text, 0);
    int keyStart = i;
    i = skipField(text, i);
    String key = text.substring(keyStart, i);
    i = skipBlanks(text, i);
    int valueStart = i;
    i = skipField(text, i);
    String value = text.substring(valueStart, i);
    if (value.isEmpty() || skipBlanks(text, i) < n) {
      out.problem(source, line, "expected 'domain transport:[onion]', got: " + quote(text));
      return;
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      out.problem(
          source, line, "expected 'transport:[onion]' after the domain, got: " + quote(value));
      return;
    }
    String hop = value.substring(colon + 1);
    if (key.startsWith(".")) {
      if (!(key.equalsIgnoreCase(".onion") && hop.isEmpty())) {
        out.problem(
            source,
            line,
            "parent-domain entries such as " + quote(key) + " are not supported: list each domain");
      }
      return;
    }
    if (hop.isEmpty()) {
      out.problem(source, line, "no onion after " + quote(value) + " for " + quote(key));
      return;
    }
    String domain = out.domain(source, line, key);
    if (domain == null) {
      return;
    }
    Object target = hops.computeIfAbsent(hop, this::hop);
    if (target instanceof OnionTarget t) {
      out.route(source, line, domain, t);
    } else {
      out.dead(source, line, hop, (InvalidOnionAddressException.Reason) target, List.of(domain));
    }
  }

  /** The shared target named by a next hop, or the reason it names none. */
  private Object hop(String hop) {
    try {
      return out.target(source, OnionTarget.parse(hop));
    } catch (InvalidOnionAddressException e) {
      return e.reason();
    }
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipField(String s, int i) {
    while (i < s.length() && !isBlank(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b';
  }
}
