package org.onionmx.resolve;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.onionmx.tor.StreamOpener;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.WireParseException;

/**
 * A dnsjava {@link Resolver} that sends each query over TCP through a Tor stream to one DNS server
 * (an IP address that Tor reaches through an exit), so that the look-up leaves no trace outside
 * Tor. Written by hand because dnsjava's {@code SimpleResolver} connects its own NIO sockets, and
 * its pluggable I/O ({@code org.xbill.DNS.io}) is not exported by dnsjava's module. What it does is
 * small: the query's wire form with its two-byte length (RFC 1035 section 4.2.2) out, one answer
 * in, checked to match the query's id and question; EDNS as the validating resolver asks (it sets
 * DO). The answer is bounded by its two-byte length (at most 64 KB; one shorter than a DNS header
 * is refused) and must arrive whole within the timeout, one absolute deadline for the exchange once
 * the stream is open, however the server paces its bytes.
 *
 * <p>One stream per query, all on one isolation key, so that look-ups share a circuit of their own,
 * apart from the mail's. The blocking exchanges run on a small pool of daemon threads that end when
 * idle. Safe for concurrent use once configured.
 */
final class TorTcpResolver implements Resolver {
  /** The isolation key of DNS streams: one circuit for look-ups, never a mail circuit. */
  static final String ISOLATION_KEY = "onionmx-dns";

  /** The fixed DNS header (RFC 1035 4.1.1): no answer is shorter. */
  private static final int HEADER_LENGTH = 12;

  private final StreamOpener opener;
  private final InetSocketAddress server;
  private final Executor executor;
  private volatile Duration timeout = Duration.ofSeconds(10);
  private volatile OPTRecord edns;

  TorTcpResolver(StreamOpener opener, InetSocketAddress server, Executor executor) {
    this.opener = Objects.requireNonNull(opener, "opener");
    this.server = Objects.requireNonNull(server, "server");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** A pool for the blocking exchanges of one resolver: daemon threads, none kept when idle. */
  static ExecutorService newExecutor() {
    AtomicInteger ids = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        32,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "onionmx-dns-over-tor-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.CallerRunsPolicy());
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query) {
    return sendAsync(query, executor);
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor ignored) {
    Message copy = query.clone();
    OPTRecord opt = edns;
    if (opt != null && copy.getOPT() == null) {
      copy.addRecord(opt, Section.ADDITIONAL);
    }
    byte[] wire = copy.toWire(Message.MAXLENGTH);
    return CompletableFuture.supplyAsync(() -> exchange(copy, wire), executor);
  }

  private Message exchange(Message query, byte[] wire) {
    String host = server.getAddress().getHostAddress(); // an IP literal: nothing is looked up
    try (Socket stream = opener.open(host, server.getPort(), ISOLATION_KEY)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      // one write for length and query: one segment to Tor, one cell, not three (two 1-byte ones)
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(stream.getOutputStream(), wire.length + 2));
      out.writeShort(wire.length);
      out.write(wire);
      out.flush();
      byte[] prefix = readFully(stream, 2, deadline);
      int length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
      if (length < HEADER_LENGTH) {
        throw new WireParseException(
            "answer from " + server + " announces " + length + " bytes, less than a DNS header");
      }
      Message answer = new Message(readFully(stream, length, deadline));
      if (answer.getHeader().getID() != query.getHeader().getID()
          || !Objects.equals(answer.getQuestion(), query.getQuestion())) {
        throw new WireParseException(
            "answer from " + server + " does not match the query (id or question)");
      }
      return answer;
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /**
   * Reads exactly {@code n} bytes, each read waiting at most until {@code deadline} ({@link
   * System#nanoTime} units), so that a server sending a byte at a time cannot hold the exchange
   * past the timeout. {@code n} is at most 65,535 (the length prefix is two bytes).
   */
  private static byte[] readFully(Socket stream, int n, long deadline) throws IOException {
    InputStream in = stream.getInputStream();
    byte[] bytes = new byte[n];
    for (int off = 0; off < n; ) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("no complete DNS answer within the timeout");
      }
      stream.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
      int read = in.read(bytes, off, n - off);
      if (read < 0) {
        throw new EOFException("the DNS answer ended after " + off + " of " + n + " bytes");
      }
      off += read;
    }
    return bytes;
  }

  @Override
  public void setPort(int port) {
    throw new UnsupportedOperationException("the server's port is fixed: " + server);
  }

  @Override
  public void setTCP(boolean flag) {
    // always TCP: there is no UDP through Tor
  }

  @Override
  public void setIgnoreTruncation(boolean flag) {
    // TCP answers are never truncated
  }

  @Override
  public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    edns =
        version < 0
            ? null
            : new OPTRecord(
                payloadSize == 0 ? 1280 : payloadSize,
                0,
                version,
                flags,
                options == null ? List.of() : options);
  }

  @Override
  public void setTSIGKey(TSIG key) {
    if (key != null) {
      throw new UnsupportedOperationException("TSIG is not supported over Tor");
    }
  }

  @Override
  public void setTimeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public Duration getTimeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "TorTcpResolver(" + server + " over Tor)";
  }
}
