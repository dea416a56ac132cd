package org.onionmx.resolve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.onionmx.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pinned map read from files and read again when they change on disk, for a resolver that lives
 * longer than one edit of its map ({@link OnionResolver.Builder#mapSource}).
 *
 * <p>{@link #get()} answers from memory. At most once per {@code checkEvery} the caller that
 * happens to ask first compares each file's modification time and size with those it last read;
 * only if one differs are the files read again, on that caller's thread, while every other caller
 * goes on with the map it has. A read that fails (a syntax error, a file half-written or gone)
 * keeps the last good map and logs one warning saying why; the same files are not read again until
 * they change once more. So a map is loaded once, however many look-ups and however many senders
 * share it, and a bad edit never empties the pins.
 *
 * <p>The files are merged over {@code base} (say the bundled public map), as {@link OnionMap#merge}
 * does. Thread-safe.
 */
public final class WatchedMap implements Supplier<OnionMap> {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedMap.class);

  /** The default interval between checks of the files: 5 seconds. */
  public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(5);

  private final List<Path> files;
  private final OnionMap base;
  private final long checkEveryMillis;
  private final Clock clock;
  private final ReentrantLock checking = new ReentrantLock();

  private volatile OnionMap current;
  private volatile long nextCheck;
  private volatile int loads;
  private volatile String lastProblem;
  private List<Stamp> loaded; // guarded by checking
  private List<Stamp> refused; // guarded by checking: the stamps of the last read that failed

  private WatchedMap(List<Path> files, OnionMap base, Duration checkEvery, Clock clock) {
    this.files = List.copyOf(files);
    this.base = Objects.requireNonNull(base, "base");
    this.checkEveryMillis = checkEvery.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads {@code files} now, merged over {@code base}, and watches them, checking at most every
   * {@link #DEFAULT_CHECK_EVERY}.
   *
   * @throws IOException if a file cannot be read
   * @throws MapException listing the problems found, as {@link OnionMap#load(List)} does
   */
  public static WatchedMap load(List<Path> files, OnionMap base) throws IOException, MapException {
    return load(files, base, DEFAULT_CHECK_EVERY, Clock.systemUTC());
  }

  /**
   * Reads {@code files} now, merged over {@code base}, and watches them, checking at most every
   * {@code checkEvery} as told by {@code clock}.
   *
   * @throws IllegalArgumentException if {@code checkEvery} is negative
   * @throws IOException if a file cannot be read
   * @throws MapException listing the problems found, as {@link OnionMap#load(List)} does
   */
  public static WatchedMap load(List<Path> files, OnionMap base, Duration checkEvery, Clock clock)
      throws IOException, MapException {
    Checks.nonNegative(checkEvery, "checkEvery");
    WatchedMap map = new WatchedMap(files, base, checkEvery, clock);
    map.checking.lock();
    try {
      List<Stamp> stamps = map.stamps();
      map.current = map.read();
      map.loaded = stamps;
      map.loads = 1;
      map.nextCheck = clock.millis() + map.checkEveryMillis;
    } finally {
      map.checking.unlock();
    }
    return map;
  }

  /** The map as last read well; re-reads the files first if they are due a check and changed. */
  @Override
  public OnionMap get() {
    if (clock.millis() >= nextCheck && checking.tryLock()) {
      try {
        check();
      } finally {
        checking.unlock();
      }
    }
    return current;
  }

  /** The files watched. */
  public List<Path> files() {
    return files;
  }

  /** How many times the files were read well, the first time included. */
  public int loads() {
    return loads;
  }

  /** Why the last read since the last good one failed, if it did. */
  public Optional<String> lastProblem() {
    return Optional.ofNullable(lastProblem);
  }

  private void check() {
    nextCheck = clock.millis() + checkEveryMillis;
    List<Stamp> now;
    try {
      now = stamps();
    } catch (IOException e) {
      refuse(null, "cannot read " + e.getMessage());
      return;
    }
    if (now.equals(loaded) || now.equals(refused)) {
      return;
    }
    try {
      OnionMap fresh = read();
      current = fresh;
      loaded = now;
      refused = null;
      lastProblem = null;
      loads++;
      LOG.info("map {} read again: {} domains", files, fresh.size());
    } catch (IOException | MapException | RuntimeException e) {
      refuse(now, e.getMessage());
    }
  }

  private void refuse(List<Stamp> stamps, String why) {
    if (stamps != null && stamps.equals(refused)) {
      return;
    }
    if (stamps == null && lastProblem != null && lastProblem.equals(why)) {
      return;
    }
    refused = stamps;
    lastProblem = why;
    LOG.warn("map {} changed but was not taken, the last good map stays: {}", files, why);
  }

  private OnionMap read() throws IOException, MapException {
    OnionMap read = OnionMap.load(files);
    return base.size() == 0 && base.deadEntries().isEmpty() ? read : base.merge(read);
  }

  private List<Stamp> stamps() throws IOException {
    List<Stamp> stamps = new ArrayList<>(files.size());
    for (Path f : files) {
      stamps.add(new Stamp(Files.getLastModifiedTime(f).toMillis(), Files.size(f)));
    }
    return stamps;
  }

  private record Stamp(long modified, long size) {}
}
