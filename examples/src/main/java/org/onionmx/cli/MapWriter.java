package org.onionmx.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionTarget;

/**
 * Writes a map's routed entries in the two forms {@link OnionMap} reads, grouped by target, targets
 * and domains sorted, so that the output is stable and diffs well ({@code onionmx map export}).
 * Dead entries are left out.
 */
final class MapWriter {
  private static final Comparator<OnionTarget> BY_NAME =
      Comparator.comparing((OnionTarget t) -> t.onion().hostname())
          .thenComparingInt(OnionTarget::port);

  private MapWriter() {}

  /**
   * A Postfix transport table in the onionmx conversion script's layout: domains padded to one
   * width, {@code domain smtptor:[onion]}, or {@code smtptor:[onion]:port} if not 25.
   */
  static String postfix(OnionMap map) {
    Map<String, OnionTarget> routes = map.entries();
    int width = routes.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder b = new StringBuilder(routes.size() * (width + 80));
    grouped(routes)
        .forEach(
            (target, domains) -> {
              String hop = hop(target);
              for (String domain : domains) {
                b.append(domain);
                for (int i = domain.length(); i < width; i++) {
                  b.append(' ');
                }
                b.append(' ').append(hop).append('\n');
              }
            });
    return b.toString();
  }

  /**
   * The onionmx YAML form: {@code 'onion':} then {@code - 'domain'} lines, a target on another port
   * than 25 as {@code 'onion:port'}; {@code {}} if empty.
   */
  static String yaml(OnionMap map) {
    Map<String, OnionTarget> routes = map.entries();
    if (routes.isEmpty()) {
      return "--- {}\n";
    }
    StringBuilder b = new StringBuilder(routes.size() * 40 + 4).append("---\n");
    grouped(routes)
        .forEach(
            (target, domains) -> {
              b.append('\'').append(target.onion().hostname());
              if (target.port() != OnionTarget.SMTP_PORT) {
                b.append(':').append(target.port());
              }
              b.append("':\n");
              for (String domain : domains) {
                b.append("  - '").append(domain).append("'\n");
              }
            });
    return b.toString();
  }

  private static String hop(OnionTarget target) {
    String hop = "smtptor:[" + target.onion().hostname() + "]";
    return target.port() == OnionTarget.SMTP_PORT ? hop : hop + ":" + target.port();
  }

  private static Map<OnionTarget, List<String>> grouped(Map<String, OnionTarget> routes) {
    Map<OnionTarget, List<String>> byTarget = new HashMap<>();
    routes.forEach(
        (domain, target) -> byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(domain));
    Map<OnionTarget, List<String>> sorted = new TreeMap<>(BY_NAME);
    byTarget.forEach(
        (target, domains) -> {
          Collections.sort(domains);
          sorted.put(target, domains);
        });
    return sorted;
  }
}
