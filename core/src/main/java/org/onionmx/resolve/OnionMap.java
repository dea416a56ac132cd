package org.onionmx.resolve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pinned, immutable map from mail domains to the onion service that takes their mail. A pinned
 * domain is routed without any DNS query.
 *
 * <p>Maps are read from two written forms, told apart by their first entry line:
 *
 * <ul>
 *   <li>the onionmx YAML form: keys are onion names, values are lists of domains; a null value is a
 *       key with no domains; as an extension a key may carry a port ({@code 'x.onion:2525'});
 *   <li>a Postfix transport table: {@code domain smtptor:[x.onion]}, with or without brackets and
 *       {@code :port}; {@code #} comments and blank lines.
 * </ul>
 *
 * <p>Domains are case-insensitive ({@link DomainNames#normalize}). Several sources merge into one
 * map; a domain mapped to two different targets is a {@link MapException} naming both, the same
 * entry twice is fine. A key or next hop that is not a valid v3 onion (a v2 name, a bad checksum)
 * is a {@linkplain #deadEntries() dead entry}: reported, never routed. The public onionmx map is
 * {@linkplain #bundled() bundled}.
 */
public final class OnionMap {
  /**
   * The most characters one source may have (checked while reading): 256 Mi. Loading a map that
   * size needs about 1.2 GB of heap ({@link #heapNeeded}).
   */
  static final int MAX_CHARS = 256 * 1024 * 1024;

  /**
   * Heap needed per byte of map file, in tenths: 45, so 4.5 bytes. Measured with JDK 17 and G1 (the
   * smallest {@code -Xmx} that loads the map): 100,000 domains with one onion each (8.9 MB of YAML)
   * load in 48 MB but not 32 MB; 1,000,000 domains with one onion each (89.9 MB) in 320 MB but not
   * 256 MB; 1,000,000 domains, ten per onion (30.5 MB), in 128 MB. The loaded map keeps about 250
   * bytes per domain with an onion of its own, 120 with ten domains per onion.
   */
  static final long HEAP_TENTHS_PER_FILE_BYTE = 45;

  /** Heap a load needs besides the map itself: parser buffers, the collector's working sets. */
  static final long HEAP_BASE = 16L * 1024 * 1024;

  private static final OnionMap EMPTY = new OnionMap(Map.of(), List.of());
  private static final String BUNDLED = "onionmx-map.yml";

  private final Map<String, OnionTarget> routes;
  private final List<DeadEntry> dead;
  private final List<DuplicateKey> duplicates;

  /**
   * A key that appears twice in one YAML map. Both lists of domains are routed (merged), but YAML
   * says keys are unique and other readers of the same file (onionrouter, the conversion script)
   * keep only the last list, so the file means different things to different readers.
   *
   * @param source the source it was read from
   * @param line the 1-based line of the repeated key
   * @param firstLine the 1-based line where the key first appeared
   * @param key the key as written the second time
   */
  public record DuplicateKey(String source, int line, int firstLine, String key) {
    /** {@code source:line: message}, naming the key (control characters escaped). */
    @Override
    public String toString() {
      return source
          + ":"
          + line
          + ": the key "
          + MapCollector.quote(key)
          + " appears again (first on line "
          + firstLine
          + "); both domain lists are routed, but other YAML readers keep only the last";
    }
  }

  /**
   * A map entry that is never routed because its onion is not a usable v3 address.
   *
   * @param source the source it was read from
   * @param line the 1-based line of the onion (YAML key, or the first Postfix line naming it), 0 if
   *     not known
   * @param onion the onion text as written
   * @param domains the normalised domains it lists, possibly none
   * @param reason why the onion is not usable ({@link InvalidOnionAddressException.Reason#V2} for
   *     the v2 names that stopped working in Tor in 2021)
   */
  public record DeadEntry(
      String source,
      int line,
      String onion,
      List<String> domains,
      InvalidOnionAddressException.Reason reason) {
    /** Copies {@code domains}. */
    public DeadEntry {
      domains = List.copyOf(domains);
      Objects.requireNonNull(reason, "reason");
    }
  }

  OnionMap(Map<String, OnionTarget> routes, List<DeadEntry> dead) {
    this(routes, dead, List.of());
  }

  OnionMap(Map<String, OnionTarget> routes, List<DeadEntry> dead, List<DuplicateKey> duplicates) {
    this.routes = Collections.unmodifiableMap(routes);
    this.dead = List.copyOf(dead);
    this.duplicates = List.copyOf(duplicates);
  }

  /** Keys that appear more than once in one YAML source, in the order found (warnings). */
  public List<DuplicateKey> duplicateKeys() {
    return duplicates;
  }

  /** A map with no entries. */
  public static OnionMap empty() {
    return EMPTY;
  }

  /**
   * A map of the given entries; domains are normalised.
   *
   * @throws InvalidDomainException if a key is not a valid domain
   * @throws IllegalArgumentException if two keys normalise to one domain with different targets
   */
  public static OnionMap of(Map<String, OnionTarget> entries) {
    Builder b = newBuilder();
    entries.forEach(b::put);
    return b.build();
  }

  /** A builder for a map made in code. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The public onionmx map bundled with this library ({@code onionmx-map.yml}), read once. Its v2
   * entries are in {@link #deadEntries()}.
   */
  public static OnionMap bundled() {
    return BundledHolder.MAP;
  }

  /**
   * Reads and merges map files, each in YAML or Postfix form (detected), as strict UTF-8.
   *
   * @throws IOException if a file cannot be read
   * @throws MapException listing every problem found in the files, with file names and lines
   */
  public static OnionMap load(Path... files) throws IOException, MapException {
    return load(List.of(files));
  }

  /**
   * Reads and merges map files, each in YAML or Postfix form (detected), as strict UTF-8. No files
   * give the empty map.
   *
   * @throws IOException if a file cannot be read
   * @throws MapException listing every problem found in the files, with file names and lines
   */
  public static OnionMap load(List<Path> files) throws IOException, MapException {
    return load(files, Runtime.getRuntime().maxMemory());
  }

  /**
   * {@link #load(List)} for a JVM whose heap may grow to {@code maxHeap} bytes: refuses at once,
   * before reading, maps whose size says they need more ({@link #heapNeeded}), rather than failing
   * with an {@link OutOfMemoryError} minutes into the load.
   */
  static OnionMap load(List<Path> files, long maxHeap) throws IOException, MapException {
    long bytes = 0;
    for (Path file : files) {
      if (Files.isRegularFile(file)) {
        bytes += Files.size(file);
      }
    }
    long needed = heapNeeded(bytes);
    if (needed > maxHeap) {
      String source = files.size() == 1 ? files.get(0).toString() : files.size() + " map files";
      throw new MapException(
          List.of(
              new MapException.Problem(
                  source,
                  0,
                  String.format(
                      "%d MB of map needs about %d MB of heap to load; this JVM may use at most"
                          + " %d MB (-Xmx): raise -Xmx or load a smaller map",
                      bytes / 1_000_000, needed / 1_000_000, maxHeap / 1_000_000))));
    }
    MapCollector out = new MapCollector();
    for (Path file : files) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        read(r, file.toString(), MAX_CHARS, out);
      }
      if (out.full()) {
        break;
      }
    }
    return out.build();
  }

  /**
   * Reads one map in YAML or Postfix form, detected from its first line that is neither blank nor a
   * comment: Postfix if that line is {@code domain transport:nexthop}, else YAML. The reader is not
   * closed.
   *
   * @param sourceName the name problems and dead entries carry, such as a file name
   * @throws IOException if reading fails
   * @throws MapException listing every problem found
   */
  public static OnionMap parse(Reader reader, String sourceName) throws IOException, MapException {
    MapCollector out = new MapCollector();
    read(reader, sourceName, MAX_CHARS, out);
    return out.build();
  }

  /**
   * The heap, in bytes, that loading map files of {@code fileBytes} bytes in all needs: 4.5 bytes
   * per file byte plus 16 MiB (see {@link #HEAP_TENTHS_PER_FILE_BYTE} for the measurements).
   */
  static long heapNeeded(long fileBytes) {
    return fileBytes / 10 * HEAP_TENTHS_PER_FILE_BYTE + HEAP_BASE;
  }

  /** Reads one source into {@code out}, with at most {@code maxChars} characters. */
  static void read(Reader reader, String source, int maxChars, MapCollector out)
      throws IOException {
    BufferedReader in = new BufferedReader(reader, 1 << 16);
    MapForm form;
    try {
      in.mark(1);
      if (in.read() != '\uFEFF') {
        in.reset(); // no byte-order mark
      }
      form = MapForm.detect(in);
    } catch (CharacterCodingException e) {
      out.problem(source, 0, "not valid UTF-8 text");
      return;
    }
    if (form == null) {
      out.problem(source, 0, "the file is empty: no map entries in it");
    } else if (form == MapForm.POSTFIX) {
      PostfixMapReader.read(in, source, maxChars, out);
    } else {
      YamlMapReader.read(in, source, maxChars, out);
    }
  }

  /**
   * This map and {@code other} together.
   *
   * @throws MapException if a domain is mapped to different targets in the two, naming both
   */
  public OnionMap merge(OnionMap other) throws MapException {
    MapCollector out = new MapCollector();
    out.addAll(this, "this map");
    out.addAll(other, "the merged map");
    return out.build();
  }

  /**
   * The pinned target of a domain.
   *
   * @param normalizedDomain a domain already passed through {@link DomainNames#normalize}
   */
  public Optional<OnionTarget> lookup(String normalizedDomain) {
    return Optional.ofNullable(routes.get(normalizedDomain));
  }

  /** The number of routed domains. */
  public int size() {
    return routes.size();
  }

  /** All routed domains and their targets, sorted by domain (a copy). */
  public Map<String, OnionTarget> entries() {
    return new TreeMap<>(routes);
  }

  /** The entries whose onion is not usable: v2 names and other invalid onions; never routed. */
  public List<DeadEntry> deadEntries() {
    return dead;
  }

  /** The routes, unmodifiable and unsorted. */
  Map<String, OnionTarget> routes() {
    return routes;
  }

  @Override
  public String toString() {
    return "OnionMap[" + routes.size() + " domains, " + dead.size() + " dead entries]";
  }

  /**
   * Builds a map in code. Not safe for concurrent use.
   *
   * <p>Unlike reading a file, which collects every problem into one {@link MapException}, the
   * builder refuses a bad entry at once.
   */
  public static final class Builder {
    private final Map<String, OnionTarget> routes = new HashMap<>();

    private Builder() {}

    /**
     * Routes {@code domain} (normalised) to {@code target}; the same entry again is ignored.
     *
     * @throws InvalidDomainException if {@code domain} is not a valid domain
     * @throws IllegalArgumentException if {@code domain} is already routed to another target
     */
    public Builder put(String domain, OnionTarget target) {
      Objects.requireNonNull(target, "target");
      String d = DomainNames.normalize(domain);
      OnionTarget before = routes.putIfAbsent(d, target);
      if (before != null && !before.equals(target)) {
        throw new IllegalArgumentException(
            "'" + d + "' is mapped to two onions: " + before + " and " + target);
      }
      return this;
    }

    /** The map of the entries put so far. */
    public OnionMap build() {
      return routes.isEmpty() ? EMPTY : new OnionMap(new HashMap<>(routes), List.of());
    }
  }

  /** Reads the bundled map on first use (class initialisation is lazy and thread-safe). */
  private static final class BundledHolder {
    static final OnionMap MAP = readBundled();

    private static OnionMap readBundled() {
      try (InputStream in = OnionMap.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException("the bundled map " + BUNDLED + " is missing");
        }
        return parse(new InputStreamReader(in, StandardCharsets.UTF_8), BUNDLED + " (bundled)");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (MapException e) {
        throw new IllegalStateException("the bundled map is broken: " + e.getMessage(), e);
      }
    }
  }
}
