package org.onionmx.tor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control port a starting tor chose ({@code ControlPort 127.0.0.1:auto}) and wrote to its
 * {@code ControlPortWriteToFile} as {@code PORT=127.0.0.1:40123}: waits for that file and the
 * cookie, then connects.
 */
final class ControlPortFile {
  private static final long POLL_MILLIS = 50;
  private static final int COOKIE_LENGTH = 32;

  private ControlPortFile() {}

  /**
   * Waits until tor has written the control-port file and its cookie, then connects and
   * authenticates with the cookie.
   *
   * @throws TorProcessException of kind {@link TorProcessException.Kind#EXITED} if tor exits
   *     first, {@link TorProcessException.Kind#STARTUP_TIMEOUT} at the deadline ({@link
   *     System#nanoTime()} based)
   * @throws TorControlException if connecting or authenticating fails
   * @throws InterruptedIOException if the thread is interrupted
   */
  static TorControl awaitAndConnect(Process tor, Path dataDirectory, long deadline)
      throws IOException {
    Path portFile = dataDirectory.resolve(Torrc.CONTROL_PORT_FILE);
    Path cookie = dataDirectory.resolve(Torrc.COOKIE_FILE);
    while (true) {
      if (!tor.isAlive()) {
        throw TorProcess.exitedException(tor, dataDirectory);
      }
      InetSocketAddress port = read(portFile);
      if (port != null && cookieWritten(cookie)) {
        return TorControl.newBuilder()
            .address(port.getAddress(), port.getPort())
            .cookieFile(cookie)
            .connect();
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TorProcessException(
            TorProcessException.Kind.STARTUP_TIMEOUT,
            "tor opened no control port in time (no " + portFile + ")",
            TorProcess.logTail(dataDirectory),
            null);
      }
      try {
        Thread.sleep(Math.min(POLL_MILLIS, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while tor started");
      }
    }
  }

  /** The address in the file, or null if tor has not written it yet. */
  static InetSocketAddress read(Path portFile) throws IOException {
    String text;
    try {
      text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return null;
    }
    if (text.isEmpty()) {
      return null;
    }
    String first = text.lines().findFirst().orElse("");
    List<InetSocketAddress> parsed;
    try {
      if (!first.startsWith("PORT=")) {
        throw new IllegalArgumentException("no PORT=");
      }
      parsed = Listeners.parse(first.substring("PORT=".length()));
    } catch (IllegalArgumentException e) {
      throw new IOException("unreadable control-port file " + portFile + ": '" + first + "'", e);
    }
    if (parsed.size() != 1) {
      throw new IOException("unreadable control-port file " + portFile + ": '" + first + "'");
    }
    return parsed.get(0);
  }

  private static boolean cookieWritten(Path cookie) throws IOException {
    try {
      return Files.size(cookie) == COOKIE_LENGTH;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
