package org.onionmx.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watches the heap while a test runs something that must not fill it: the heap in use after a full
 * collection ({@code System.gc()}) is the baseline; a daemon thread samples the heap in use every
 * 20 ms, and collects and measures again every 250 ms and whenever a sample is above the limit.
 * What a collection cannot free counts: the peak of those measurements, above the baseline, is
 * {@link #peakAboveBaseline}. The first time it exceeds the limit, {@code onBreach} runs once (on
 * the watch thread), for example to close the hostile peer, so that code without a bound fails the
 * test instead of running the JVM out of memory.
 *
 * <p>Meaningful when the test's JVM runs one test at a time, as Surefire does by default.
 */
public final class HeapWatch implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 20;
  private static final long COLLECT_EVERY = 250 / SAMPLE_MILLIS;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final long limit;
  private final Runnable onBreach;
  private final long baseline;
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile long peak;
  private volatile boolean breached;

  private HeapWatch(long limit, Runnable onBreach) {
    this.limit = limit;
    this.onBreach = onBreach;
    this.baseline = collectAndMeasure();
    this.thread = new Thread(this::watch, "heap-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Measures the baseline and starts watching.
   *
   * @param limitBytes the most the heap may retain above the baseline
   * @param onBreach run once when it retains more
   * @throws IllegalArgumentException if {@code limitBytes} is not positive
   */
  public static HeapWatch start(long limitBytes, Runnable onBreach) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("limit " + limitBytes + " is not positive");
    }
    return new HeapWatch(limitBytes, Objects.requireNonNull(onBreach, "onBreach"));
  }

  /** The most the heap retained above the baseline, in bytes, after a collection (0 or more). */
  public long peakAboveBaseline() {
    return peak;
  }

  /** True once the heap retained more than the limit above the baseline. */
  public boolean breached() {
    return breached;
  }

  /** The peak in MB with one decimal, for messages. */
  public String peakText() {
    return String.format(java.util.Locale.ROOT, "%.1f MB", peak / (1024.0 * 1024.0));
  }

  private void watch() {
    try {
      for (long i = 1; !stop.await(SAMPLE_MILLIS, TimeUnit.MILLISECONDS); i++) {
        long used = memory.getHeapMemoryUsage().getUsed();
        if (used - baseline > limit || i % COLLECT_EVERY == 0) {
          record(collectAndMeasure());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void record(long used) {
    long above = Math.max(0, used - baseline);
    if (above > peak) {
      peak = above;
    }
    if (above > limit && !breached) {
      breached = true;
      onBreach.run();
    }
  }

  private long collectAndMeasure() {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Takes a last measurement and stops the watch thread. */
  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join();
    record(collectAndMeasure());
  }
}
