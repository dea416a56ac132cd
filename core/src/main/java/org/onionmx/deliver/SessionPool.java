package org.onionmx.deliver;

import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.onionmx.tor.StreamOpener;

/**
 * Open SMTP sessions per {@link Destination}, so that many messages to one onion ride one Tor
 * circuit and one session. At most {@code maxPerDestination} sessions per destination exist at once
 * (in use or idle); a sender wanting one more waits for one to come back. An idle session is reused
 * most-recently-used first; one idle longer than {@code healthCheckAfter} must answer NOOP first,
 * and one idle longer than {@code idleTimeout} is closed ({@link #evictIdle}, called periodically
 * by the mailer, and on acquire). A session open for {@code maxAge} or longer is closed when it
 * comes back, so that no destination's mail rides one session, stream and circuit for ever. A
 * destination with no session idle or in use is forgotten, so a long-running mailer keeps state
 * only for the onions it currently talks to. Thread-safe.
 */
final class SessionPool implements AutoCloseable {
  /** A session lent to one sender; give it back with {@link #release}. */
  record Lease(SmtpSession session, boolean reused, Slot slot) {}

  /** The sessions of one destination. */
  static final class Slot {
    private final Destination destination;
    private final Session session;
    private final Semaphore permits;
    private final Deque<SmtpSession> idle = new ArrayDeque<>();

    /** Senders between acquire and release; changed only inside the map's compute for its key. */
    private int users;

    Slot(Destination destination, Session session, int max) {
      this.destination = destination;
      this.session = session;
      this.permits = new Semaphore(max, true);
    }
  }

  private final StreamOpener opener;
  private final Function<Destination, Session> sessions;
  private final Clock clock;
  private final int maxPerDestination;
  private final Duration idleTimeout;
  private final Duration healthCheckAfter;
  private final Duration maxAge;
  private final Duration readTimeout;
  private final Map<Destination, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  SessionPool(
      StreamOpener opener,
      Function<Destination, Session> sessions,
      Clock clock,
      int maxPerDestination,
      Duration idleTimeout,
      Duration healthCheckAfter,
      Duration maxAge,
      Duration readTimeout) {
    this.opener = opener;
    this.sessions = sessions;
    this.clock = clock;
    this.maxPerDestination = maxPerDestination;
    this.idleTimeout = idleTimeout;
    this.healthCheckAfter = healthCheckAfter;
    this.maxAge = maxAge;
    this.readTimeout = readTimeout;
  }

  /**
   * A healthy idle session for {@code destination}, or a new one. Waits while the destination has
   * its maximum of sessions in use.
   *
   * @throws TargetFailure if a new session cannot be opened
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalStateException if the pool is closed
   */
  Lease acquire(Destination destination) throws TargetFailure, InterruptedException {
    checkOpen();
    Slot slot =
        slots.compute(
            destination,
            (d, existing) -> {
              Slot s =
                  existing != null ? existing : new Slot(d, sessions.apply(d), maxPerDestination);
              s.users++;
              return s;
            });
    try {
      slot.permits.acquire();
    } catch (InterruptedException e) {
      leave(slot);
      throw e;
    }
    try {
      while (true) {
        SmtpSession idle;
        synchronized (slot) {
          idle = slot.idle.pollFirst();
        }
        if (idle == null) {
          break;
        }
        Duration idleFor = idle.idleAt(clock.instant());
        if (idleFor.compareTo(idleTimeout) >= 0
            || idle.isClosed()
            || (idleFor.compareTo(healthCheckAfter) >= 0 && !idle.healthy())) {
          idle.close();
          continue;
        }
        return new Lease(idle, true, slot);
      }
      return new Lease(open(slot), false, slot);
    } catch (TargetFailure | RuntimeException e) {
      slot.permits.release();
      leave(slot);
      throw e;
    }
  }

  /** A sender is done with {@code slot}; an unused slot with no idle session goes away. */
  private void leave(Slot slot) {
    slots.computeIfPresent(
        slot.destination,
        (d, s) -> {
          s.users--;
          return forgettable(s) ? null : s;
        });
  }

  private static boolean forgettable(Slot s) {
    if (s.users > 0) {
      return false;
    }
    synchronized (s) {
      return s.idle.isEmpty();
    }
  }

  /** Opens a session outside the pool (for per-message isolation); the caller closes it. */
  SmtpSession openUnpooled(Destination destination) throws TargetFailure {
    checkOpen();
    return SmtpSession.open(
        opener, destination, sessions.apply(destination), readTimeout, clock.instant());
  }

  /** Gives a session back: kept for reuse if {@code reusable}, closed otherwise. */
  void release(Lease lease, boolean reusable) {
    SmtpSession s = lease.session();
    Instant now = clock.instant();
    boolean keep = reusable && !s.isClosed() && s.ageAt(now).compareTo(maxAge) < 0;
    if (keep) {
      s.touch(now);
      synchronized (lease.slot()) {
        keep = !closed;
        if (keep) {
          lease.slot().idle.addFirst(s);
        }
      }
    }
    if (!keep) {
      s.close();
    }
    lease.slot().permits.release();
    leave(lease.slot());
  }

  /** Closes the sessions idle for {@link #idleTimeout} or longer. */
  void evictIdle() {
    Instant now = clock.instant();
    List<SmtpSession> expired = new ArrayList<>();
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        for (Iterator<SmtpSession> it = slot.idle.iterator(); it.hasNext(); ) {
          SmtpSession s = it.next();
          if (s.idleAt(now).compareTo(idleTimeout) >= 0 || s.isClosed()) {
            it.remove();
            expired.add(s);
          }
        }
      }
    }
    expired.forEach(SmtpSession::close);
    for (Destination d : slots.keySet()) {
      slots.computeIfPresent(d, (k, slot) -> forgettable(slot) ? null : slot);
    }
  }

  /** The number of destinations with a slot: in use, or with idle sessions. */
  int slotCount() {
    return slots.size();
  }

  /**
   * Closes every idle session of {@code destination}. For when the most recently used one turned
   * out dead: the others have been idle at least as long, so they are most likely dead too (the
   * server restarted or timed its clients out, or the circuit collapsed), and a retry must get a
   * fresh session, not the next stale one.
   */
  void discardIdle(Destination destination) {
    Slot slot = slots.get(destination);
    if (slot == null) {
      return;
    }
    List<SmtpSession> stale;
    synchronized (slot) {
      stale = new ArrayList<>(slot.idle);
      slot.idle.clear();
    }
    stale.forEach(SmtpSession::close);
  }

  /** The number of idle sessions for {@code destination}. */
  int idleCount(Destination destination) {
    Slot slot = slots.get(destination);
    if (slot == null) {
      return 0;
    }
    synchronized (slot) {
      return slot.idle.size();
    }
  }

  /** Closes every idle session; sessions in use are closed when released. */
  @Override
  public void close() {
    closed = true;
    List<SmtpSession> all = new ArrayList<>();
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        all.addAll(slot.idle);
        slot.idle.clear();
      }
    }
    all.forEach(SmtpSession::close);
  }

  private SmtpSession open(Slot slot) throws TargetFailure {
    return SmtpSession.open(opener, slot.destination, slot.session, readTimeout, clock.instant());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the mailer is closed");
    }
  }
}
