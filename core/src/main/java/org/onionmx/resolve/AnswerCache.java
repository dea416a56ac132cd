package org.onionmx.resolve;

import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of SRV answers by normalised domain that honours their expiry. When full it drops
 * expired entries first, then arbitrary ones: hand-written rather than a cache library because core
 * keeps its dependencies to dnsjava, SnakeYAML and slf4j, and a look-up must stay a single hash-map
 * read. Safe for concurrent use.
 */
final class AnswerCache {
  private final int maxEntries;
  private final ConcurrentHashMap<String, SrvAnswer> entries = new ConcurrentHashMap<>();

  /**
   * @param maxEntries the most entries kept; 0 disables caching
   */
  AnswerCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The answer for {@code domain} if one is cached and has not expired at {@code now}. */
  SrvAnswer get(String domain, Instant now) {
    SrvAnswer a = entries.get(domain);
    if (a == null) {
      return null;
    }
    if (!a.expires().isAfter(now)) {
      entries.remove(domain, a);
      return null;
    }
    return a;
  }

  /** Caches {@code answer} unless it is a failure or already expired at {@code now}. */
  void put(String domain, SrvAnswer answer, Instant now) {
    if (maxEntries == 0 || !answer.expires().isAfter(now)) {
      return;
    }
    if (entries.size() >= maxEntries && !entries.containsKey(domain)) {
      makeRoom(now);
    }
    entries.put(domain, answer);
  }

  /** The number of entries, expired ones included. */
  int size() {
    return entries.size();
  }

  private void makeRoom(Instant now) {
    entries.values().removeIf(a -> !a.expires().isAfter(now));
    Iterator<String> it = entries.keySet().iterator();
    while (entries.size() >= maxEntries && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
