package org.onionmx.tor;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Tor's bootstrap progress, as {@code GETINFO status/bootstrap-phase} reports it, for example
 * {@code NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"}.
 *
 * @param progress 0 to 100; 100 means Tor can build circuits
 * @param tag the phase's machine-readable name ({@code done}, {@code conn_or}, …)
 * @param summary the phase in words
 * @param warning why Tor is stuck, if it reported a problem ({@code WARNING=…}); else empty
 */
public record BootstrapStatus(int progress, String tag, String summary, Optional<String> warning) {
  /** Checks the range and that no part is null. */
  public BootstrapStatus {
    if (progress < 0 || progress > 100) {
      throw new IllegalArgumentException("progress " + progress + " is not in 0..100");
    }
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(warning, "warning");
  }

  /** True once Tor has bootstrapped to 100 %. */
  public boolean done() {
    return progress == 100;
  }

  /**
   * Parses the value of {@code status/bootstrap-phase}.
   *
   * @throws IllegalArgumentException if it has no valid {@code PROGRESS}
   */
  static BootstrapStatus parse(String phase) {
    Map<String, String> args = arguments(phase);
    String progress = args.get("PROGRESS");
    int p;
    try {
      p = Integer.parseInt(progress == null ? "" : progress);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("no PROGRESS in bootstrap phase '" + phase + "'", e);
    }
    return new BootstrapStatus(
        p,
        args.getOrDefault("TAG", ""),
        args.getOrDefault("SUMMARY", ""),
        Optional.ofNullable(args.get("WARNING")));
  }

  /** {@code KEY=value} and {@code KEY="quoted \" value"} arguments (control-spec 2.1.1). */
  private static Map<String, String> arguments(String line) {
    Map<String, String> args = new HashMap<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      int eq = line.indexOf('=', i);
      int space = line.indexOf(' ', i);
      if (eq < 0 || (space >= 0 && space < eq)) { // a bare word such as NOTICE or BOOTSTRAP
        i = space < 0 ? n : space;
        continue;
      }
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      i = eq + 1;
      if (i < n && line.charAt(i) == '"') {
        for (i++; i < n && line.charAt(i) != '"'; i++) {
          char c = line.charAt(i);
          if (c == '\\' && i + 1 < n) {
            c = line.charAt(++i);
          }
          value.append(c);
        }
        i++; // the closing quote
      } else {
        while (i < n && line.charAt(i) != ' ') {
          value.append(line.charAt(i++));
        }
      }
      args.put(key, value.toString());
    }
    return args;
  }

  @Override
  public String toString() {
    return progress + " % (" + tag + ": " + summary + warning.map(w -> ", " + w).orElse("") + ")";
  }
}
