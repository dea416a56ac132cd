package org.onionmx.jakarta.mail;

import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stacks that {@link OnionSmtpTransport}s share: one {@link OnionStack} (map, resolver
 * with its SRV cache, session pool, health monitor, control connection) per distinct {@link
 * OnionSmtpSettings}, so that {@code Transport.send}, which builds and closes a transport for every
 * message, reuses open onion sessions and reads a map file once. Transports with different settings
 * never share.
 *
 * <p>A stack lives while a transport holds it and for the pool's idle time after the last one let
 * go, then is closed: its sessions end with {@code QUIT}, its threads stop, so an application that
 * stops sending holds no Tor streams. {@link #shutdown()} closes every stack at once.
 *
 * <p>This is the adapter's one piece of static state, and it has to be: Jakarta Mail creates a
 * transport by reflection for every {@code getTransport} call, and Spring and Commons Email create
 * sessions freely, so nothing but the configuration itself is there to share by. It holds only what
 * was built from that configuration, and nothing of one configuration reaches another.
 */
final class SharedStacks {
  private static final Logger LOG = LoggerFactory.getLogger(SharedStacks.class);
  private static final SharedStacks INSTANCE = new SharedStacks();

  private final Map<OnionSmtpSettings, Entry> entries = new HashMap<>(); // guarded by this
  private boolean classPathChecked; // guarded by this
  private final ScheduledThreadPoolExecutor releaser;

  private SharedStacks() {
    releaser =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "onionmx-stack-release");
              t.setDaemon(true);
              return t;
            });
    releaser.setKeepAliveTime(10, TimeUnit.SECONDS); // no thread while nothing is to be released
    releaser.allowCoreThreadTimeOut(true);
    releaser.setRemoveOnCancelPolicy(true);
  }

  /** The process's stacks. */
  static SharedStacks instance() {
    return INSTANCE;
  }

  /**
   * The stack for {@code settings}, built on first use (by one caller; others with the same
   * settings wait for it). Give it back with {@link Lease#release()}.
   *
   * @throws MessagingException as {@link OnionStack#open} does; nothing is kept then
   */
  Lease acquire(OnionSmtpSettings settings) throws MessagingException {
    Entry entry;
    synchronized (this) {
      if (!classPathChecked) {
        classPathChecked = true;
        String duplicate = JakartaMailCopies.warning(SharedStacks.class.getClassLoader());
        if (duplicate != null) {
          LOG.warn(duplicate);
        }
      }
      entry = entries.computeIfAbsent(settings, Entry::new);
      entry.users++;
      if (entry.release != null) {
        entry.release.cancel(false);
        entry.release = null;
      }
    }
    try {
      return new Lease(entry, entry.stack());
    } catch (MessagingException | RuntimeException | Error e) {
      synchronized (this) {
        entry.users--;
        if (entry.users == 0 && entries.get(settings) == entry) {
          entries.remove(settings); // the next caller tries again
        }
      }
      throw e;
    }
  }

  /** How many stacks are open: one per distinct configuration in use or recently used. */
  synchronized int size() {
    return entries.size();
  }

  /**
   * Closes every stack now: sessions end with {@code QUIT}, control connections close, threads
   * stop. Transports still connected fail their next send; new ones build new stacks.
   */
  void shutdown() {
    List<Entry> closing;
    synchronized (this) {
      closing = new ArrayList<>(entries.values());
      entries.clear();
      for (Entry e : closing) {
        if (e.release != null) {
          e.release.cancel(false);
        }
      }
    }
    closing.forEach(Entry::close);
  }

  private void released(Entry entry) {
    synchronized (this) {
      if (--entry.users > 0 || entries.get(entry.settings) != entry) {
        return;
      }
      long delay = entry.settings.idleTimeout().toMillis();
      entry.release = releaser.schedule(() -> expire(entry), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Like {@link #released}, but a stack no one else holds is closed now, not after idling. */
  private void releasedNow(Entry entry) {
    synchronized (this) {
      if (--entry.users > 0 || entries.get(entry.settings) != entry) {
        return;
      }
      entries.remove(entry.settings);
    }
    LOG.debug("closing an onion-smtp stack its last holder let go of");
    entry.close();
  }

  private void expire(Entry entry) {
    synchronized (this) {
      if (entry.users > 0 || entries.get(entry.settings) != entry) {
        return;
      }
      entries.remove(entry.settings);
    }
    LOG.debug("closing an idle onion-smtp stack");
    entry.close();
  }

  /** One configuration's stack, built once. */
  private static final class Entry {
    final OnionSmtpSettings settings;
    int users; // guarded by SharedStacks.this
    ScheduledFuture<?> release; // guarded by SharedStacks.this
    private OnionStack stack; // guarded by this
    private boolean closed; // guarded by this

    Entry(OnionSmtpSettings settings) {
      this.settings = settings;
    }

    synchronized OnionStack stack() throws MessagingException {
      if (closed) {
        throw new MessagingException("onion-smtp was shut down");
      }
      if (stack == null) {
        stack = OnionStack.open(settings);
        for (String warning : settings.warnings()) {
          LOG.warn(warning);
        }
      }
      return stack;
    }

    synchronized boolean closed() {
      return closed;
    }

    synchronized void close() {
      closed = true;
      if (stack != null) {
        stack.close();
        stack = null;
      }
    }
  }

  /** One transport's hold on a shared stack. */
  final class Lease {
    private final Entry entry;
    private final OnionStack stack;
    private boolean released;

    private Lease(Entry entry, OnionStack stack) {
      this.entry = entry;
      this.stack = stack;
    }

    /**
     * The stack.
     *
     * @throws MessagingException if {@link SharedStacks#shutdown()} closed it
     */
    OnionStack stack() throws MessagingException {
      if (entry.closed()) {
        throw new MessagingException("onion-smtp was shut down (OnionSmtp.shutdown())");
      }
      return stack;
    }

    /** Gives the stack back; the second call does nothing. */
    void release() {
      if (markReleased()) {
        released(entry);
      }
    }

    /**
     * Gives the stack back and closes it at once if no one else holds it (rather than after the
     * idle time); the second call does nothing.
     */
    void releaseAndCloseIfUnused() {
      if (markReleased()) {
        releasedNow(entry);
      }
    }

    private synchronized boolean markReleased() {
      if (released) {
        return false;
      }
      released = true;
      return true;
    }
  }
}
