package org.onionmx.resolve;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Sends each query to the configured servers in their order, the next one only when the previous
 * one timed out or failed with an I/O error. Hand-written instead of dnsjava's {@code
 * ExtendedResolver} because that one reorders servers by their shared failure counts and relies on
 * dnsjava's own query timeouts, which fire on its selector's one-second tick; here every attempt
 * ends exactly after the configured timeout. Safe for concurrent use once configured.
 *
 * <p>It also notes which SRV queries a server answered with an error rcode (SERVFAIL, REFUSED, …):
 * dnsjava's validator turns such an answer into a SERVFAIL that looks just like a bogus one, and
 * {@link #takeServerError} lets the caller tell the two apart.
 */
final class FailoverResolver implements Resolver {
  /** Notes left behind by abandoned look-ups are dropped beyond this many. */
  private static final int MAX_NOTES = 1024;

  private final List<Resolver> servers;
  private volatile Duration timeout;
  private final ConcurrentHashMap<String, Integer> serverErrors = new ConcurrentHashMap<>();

  FailoverResolver(List<? extends Resolver> servers, Duration timeout) {
    this.servers = List.copyOf(servers);
    setTimeout(timeout);
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query) {
    return attempt(query, 0, null);
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    return attempt(query, 0, executor);
  }

  private CompletableFuture<Message> attempt(Message query, int i, Executor executor) {
    Resolver server = servers.get(i);
    CompletableFuture<Message> sent;
    try {
      Message copy = query.clone();
      sent =
          (executor == null ? server.sendAsync(copy) : server.sendAsync(copy, executor))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Message> timed =
        sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .thenApply(
                answer -> {
                  noteServerError(query, answer);
                  return answer;
                });
    if (i == servers.size() - 1) {
      return timed;
    }
    return timed
        .handle(
            (answer, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(answer);
              }
              Throwable e = error instanceof CompletionException ? error.getCause() : error;
              if (e instanceof TimeoutException || e instanceof IOException) {
                return attempt(query, i + 1, executor);
              }
              return CompletableFuture.<Message>failedFuture(e);
            })
        .thenCompose(f -> f);
  }

  /**
   * The error rcode a server gave to {@code query} (matched by id and question), or null; the note
   * is removed.
   */
  Integer takeServerError(Message query) {
    return serverErrors.remove(key(query));
  }

  private void noteServerError(Message query, Message answer) {
    int rcode = answer.getRcode();
    if (query.getQuestion() != null
        && query.getQuestion().getType() == Type.SRV
        && rcode != Rcode.NOERROR
        && rcode != Rcode.NXDOMAIN) {
      if (serverErrors.size() >= MAX_NOTES) {
        serverErrors.clear();
      }
      serverErrors.put(key(query), rcode);
    }
  }

  private static String key(Message query) {
    return query.getHeader().getID() + " " + query.getQuestion().getName();
  }

  @Override
  public void setPort(int port) {
    servers.forEach(s -> s.setPort(port));
  }

  @Override
  public void setTCP(boolean flag) {
    servers.forEach(s -> s.setTCP(flag));
  }

  @Override
  public void setIgnoreTruncation(boolean flag) {
    servers.forEach(s -> s.setIgnoreTruncation(flag));
  }

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    servers.forEach(s -> s.setEDNS(version, payloadSize, flags, options));
  }

  @Override
  public void setTSIGKey(TSIG key) {
    servers.forEach(s -> s.setTSIGKey(key));
  }

  /** Sets the time each server gets; dnsjava's own timeout is set a second later as a backstop. */
  @Override
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
    servers.forEach(s -> s.setTimeout(timeout.plusSeconds(1)));
  }

  @Override
  public Duration getTimeout() {
    return timeout;
  }
}
