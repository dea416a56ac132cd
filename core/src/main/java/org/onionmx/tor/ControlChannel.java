package org.onionmx.tor;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.freehaven.tor.control.NullEventHandler;
import net.freehaven.tor.control.RawEventListener;
import net.freehaven.tor.control.TorControlConnection;
import net.freehaven.tor.control.TorControlError;
import org.onionmx.tor.TorControlException.Kind;

/**
 * A jtorctl connection whose commands each wait at most the reply timeout. jtorctl waits for a
 * reply without bound, so commands run on a thread of this channel while the caller waits with a
 * timeout; a command that times out closes the channel rather than leave a late reply to be taken
 * for the next command's. jtorctl's failures become {@link TorControlException}s. What Tor sends is
 * read through {@link ControlReplyInput}, which bounds reply lines and replies: a control port that
 * sends without end ends the channel ({@link Kind#CONNECTION_LOST}, naming the limit).
 */
final class ControlChannel implements AutoCloseable {
  /** How often a waiting command checks that the connection is still there. */
  private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** One jtorctl call. */
  @FunctionalInterface
  interface Command<T> {
    T run(TorControlConnection connection) throws IOException;
  }

  private final String address;
  private final Socket socket;
  private final ControlReplyInput input;
  private final TorControlConnection connection;
  private final ExecutorService commands;
  private final Thread reader;
  private final Duration replyTimeout;
  private volatile boolean closed;

  ControlChannel(String address, Socket socket, Duration replyTimeout) throws IOException {
    this.address = address;
    this.socket = socket;
    this.replyTimeout = replyTimeout;
    this.input = new ControlReplyInput(socket.getInputStream());
    // one byte per character, so that ControlReplyInput's framing is jtorctl's
    this.connection =
        new TorControlConnection(
            new InputStreamReader(input, StandardCharsets.ISO_8859_1),
            new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
    this.commands =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "onionmx-tor-control");
              t.setDaemon(true);
              return t;
            });
    this.reader = connection.launchThread(true);
    reader.setName("onionmx-tor-control-reader");
  }

  /**
   * Runs {@code c} within the reply timeout. An error reply from Tor becomes {@code refused}; no
   * reply in time {@link Kind#NO_REPLY}; anything else {@link Kind#CONNECTION_LOST}. All but a
   * refused ordinary command close the channel.
   */
  <T> T call(String command, Kind refused, Command<T> c) throws TorControlException {
    if (closed) {
      throw new TorControlException(
          Kind.CONNECTION_LOST,
          address,
          "the control connection to " + address + " is closed",
          null);
    }
    Future<T> f;
    try {
      f = commands.submit(() -> c.run(connection));
    } catch (RejectedExecutionException e) {
      throw new TorControlException(
          Kind.CONNECTION_LOST, address, "the control connection to " + address + " is closed", e);
    }
    try {
      return await(f, command);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new TorControlException(
          Kind.CONNECTION_LOST, address, "interrupted during " + command + " at " + address, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TorControlError error) {
        if (refused == Kind.AUTHENTICATION_REFUSED) {
          close();
        }
        throw new TorControlException(
            refused,
            address,
            "Tor at " + address + " refused " + command + ": " + error.getMessage(),
            error);
      }
      close();
      throw new TorControlException(
          Kind.CONNECTION_LOST,
          address,
          "the control connection to " + address + " failed during " + command + ": " + cause,
          cause);
    }
  }

  /**
   * Waits for the command's reply in short slices, watching jtorctl's reader thread: it ends when
   * Tor closes the connection, and jtorctl then leaves a waiting command waiting forever.
   */
  private <T> T await(Future<T> f, String command)
      throws TorControlException, InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + replyTimeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      try {
        return f.get(Math.max(0, Math.min(left, WATCH_NANOS)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (!reader.isAlive()) {
          close();
          ControlReplyInput.ControlLimitException limit = input.tripped();
          throw new TorControlException(
              Kind.CONNECTION_LOST,
              address,
              limit != null
                  ? limit.getMessage() + " at " + address + " during " + command
                  : "Tor at " + address + " closed the control connection during " + command,
              limit);
        }
        if (deadline - System.nanoTime() <= 0) {
          close();
          throw new TorControlException(
              Kind.NO_REPLY,
              address,
              "Tor at " + address + " did not answer " + command + " within " + replyTimeout,
              e);
        }
      }
    }
  }

  /**
   * Delivers the asynchronous events named in {@code events} (for example {@code CIRC}) to {@code
   * listener}, on jtorctl's reader thread: the listener must not send commands on this channel.
   */
  @SuppressWarnings("deprecation") // jtorctl 0.4.5.7 still needs a handler besides raw listeners
  void subscribe(List<String> events, RawEventListener listener) throws TorControlException {
    connection.setEventHandler(new NullEventHandler());
    connection.addRawEventListener(listener);
    call(
        "SETEVENTS " + String.join(" ", events),
        Kind.COMMAND_REFUSED,
        c -> {
          c.setEvents(events);
          return null;
        });
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the socket and ends both threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    commands.shutdownNow();
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
