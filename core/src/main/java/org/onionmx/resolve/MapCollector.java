package org.onionmx.resolve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.onionmx.resolve.InvalidOnionAddressException.Reason;
import org.onionmx.resolve.MapException.Problem;
import org.onionmx.resolve.OnionMap.DeadEntry;

/**
 * Gathers the entries, dead entries and problems of one or more map sources, and turns them into an
 * {@link OnionMap} or a {@link MapException}. Readers feed it; it checks domains and conflicts.
 */
final class MapCollector {
  /** Reading stops after this many problems: a garbage file gives a bounded report. */
  static final int MAX_PROBLEMS = 100;

  private final Map<String, OnionTarget> routes = new HashMap<>();

  /** One instance per distinct target, and the source that first named it. */
  private final Map<OnionTarget, Origin> targets = new HashMap<>();

  private final Map<String, DeadBuilder> dead = new LinkedHashMap<>();
  private final List<Problem> problems = new ArrayList<>();

  private final List<OnionMap.DuplicateKey> duplicates = new ArrayList<>();

  /** A target's first source, and the last source and line where it was a YAML key. */
  private static final class Origin {
    final OnionTarget target;
    final String source;
    String keySource;
    int keyLine;

    Origin(OnionTarget target, String source) {
      this.target = target;
      this.source = source;
    }

    OnionTarget target() {
      return target;
    }

    String source() {
      return source;
    }
  }

  private static final class DeadBuilder {
    final String source;
    final int line;
    final String onion;
    final Reason reason;
    final Set<String> domains = new LinkedHashSet<>();

    DeadBuilder(String source, int line, String onion, Reason reason) {
      this.source = source;
      this.line = line;
      this.onion = onion;
      this.reason = reason;
    }
  }

  /** True once {@link #MAX_PROBLEMS} problems are recorded: readers stop reading. */
  boolean full() {
    return problems.size() >= MAX_PROBLEMS;
  }

  /** Records a problem (ignored past {@link #MAX_PROBLEMS}). */
  void problem(String source, int line, String message) {
    if (problems.size() < MAX_PROBLEMS - 1) {
      problems.add(new Problem(source, line, message));
    } else if (problems.size() == MAX_PROBLEMS - 1) {
      problems.add(
          new Problem(source, line, message + " (too many problems: stopped reading here)"));
    }
  }

  /**
   * The normalised form of {@code raw}, or null after recording a problem if it is not a domain.
   */
  String domain(String source, int line, String raw) {
    if (raw == null || raw.isEmpty()) {
      problem(source, line, "empty domain");
      return null;
    }
    try {
      return DomainNames.normalize(raw);
    } catch (InvalidDomainException e) {
      problem(source, line, e.getMessage());
      return null;
    }
  }

  /** The one shared instance equal to {@code target}, remembering {@code source} if it is new. */
  OnionTarget target(String source, OnionTarget target) {
    return targets.computeIfAbsent(target, t -> new Origin(t, source)).target();
  }

  /**
   * Routes a normalised domain to a target returned by {@link #target}; a domain already routed
   * elsewhere is a problem that names both onions. Routing it again to an equal target is fine.
   */
  void route(String source, int line, String domain, OnionTarget shared) {
    OnionTarget before = routes.putIfAbsent(domain, shared);
    if (before != null && !before.equals(shared)) {
      problem(
          source,
          line,
          "'"
              + domain
              + "' is mapped to two onions: "
              + before
              + " (from "
              + targets.get(before).source()
              + ") and "
              + shared);
    }
  }

  /**
   * Records that {@code key} is a YAML key on {@code line} of {@code source}; {@code shared} is its
   * target from {@link #target}, or null for a key that is not a usable onion. A key already seen
   * in the same source is a {@linkplain OnionMap.DuplicateKey duplicate}.
   */
  void key(String source, int line, String key, OnionTarget shared) {
    if (shared == null) {
      DeadBuilder before = dead.get(source + '\0' + key);
      if (before != null) {
        duplicates.add(new OnionMap.DuplicateKey(source, line, before.line, key));
      }
      return;
    }
    Origin origin = targets.get(shared);
    if (source.equals(origin.keySource)) {
      duplicates.add(new OnionMap.DuplicateKey(source, line, origin.keyLine, key));
    } else {
      origin.keySource = source;
      origin.keyLine = line;
    }
  }

  /** Adds normalised domains to the dead entry of {@code onion} in {@code source}. */
  void dead(String source, int line, String onion, Reason reason, List<String> domains) {
    dead.computeIfAbsent(source + '\0' + onion, k -> new DeadBuilder(source, line, onion, reason))
        .domains
        .addAll(domains);
  }

  /** Adds every entry of an existing map, checking conflicts. */
  void addAll(OnionMap map, String source) {
    map.routes().forEach((domain, target) -> route(source, 0, domain, target(source, target)));
    for (DeadEntry d : map.deadEntries()) {
      dead(d.source(), d.line(), d.onion(), d.reason(), d.domains());
    }
    duplicates.addAll(map.duplicateKeys());
  }

  /**
   * The map collected so far.
   *
   * @throws MapException if any problem was recorded
   */
  OnionMap build() throws MapException {
    if (!problems.isEmpty()) {
      throw new MapException(problems);
    }
    List<DeadEntry> deadEntries = new ArrayList<>(dead.size());
    for (DeadBuilder d : dead.values()) {
      deadEntries.add(new DeadEntry(d.source, d.line, d.onion, List.copyOf(d.domains), d.reason));
    }
    return new OnionMap(routes, deadEntries, duplicates);
  }

  /** {@code 'text'}, shortened to 80 characters, control characters escaped. */
  static String quote(String text) {
    String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }
}
