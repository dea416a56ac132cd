package org.onionmx.testing.tor;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;

/**
 * A minimal Tor control-port client for the fixture's own readiness checks: cookie authentication,
 * commands with their reply lines, and waiting for an asynchronous event. Hand-written (some 100
 * lines) so that the fixture shares no code with the library's control client, which the tests
 * built on this fixture exercise.
 */
final class ControlLink implements Closeable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  private final Queue<String> events = new ArrayDeque<>();

  private ControlLink(Socket socket) throws IOException {
    this.socket = socket;
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code node}'s control port and authenticates with its cookie, retrying until the
   * node listens and has written the cookie, or until {@code deadline} ({@link System#nanoTime}).
   */
  static ControlLink open(TorNode node, long deadline) throws IOException {
    IOException last = null;
    while (System.nanoTime() < deadline) {
      node.checkAlive();
      if (Files.isRegularFile(node.cookieFile())) {
        Socket s = new Socket();
        try {
          s.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), node.controlPort()), 1000);
          ControlLink link = new ControlLink(s);
          link.command("AUTHENTICATE " + HexFormat.of().formatHex(read(node.cookieFile())));
          return link;
        } catch (IOException e) {
          s.close();
          last = e;
        }
      }
      PrivateTorNetwork.pause();
    }
    throw new IOException(
        "control port of " + node.nickname() + " did not accept the cookie in time", last);
  }

  /** Sends one command; returns its reply lines; throws if Tor answers other than 250. */
  List<String> command(String line) throws IOException {
    socket.setSoTimeout(10_000);
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    List<String> reply = new ArrayList<>();
    while (true) {
      String l = readLine();
      if (l.startsWith("650")) {
        events.add(l);
        continue;
      }
      reply.add(l);
      if (l.length() >= 4 && l.charAt(3) == '+') {
        for (String d = readLine(); !d.equals("."); d = readLine()) {
          reply.add(d);
        }
      } else if (l.length() < 4 || l.charAt(3) == ' ') {
        break;
      }
    }
    if (!reply.get(reply.size() - 1).startsWith("250")) {
      String shown = line.startsWith("AUTHENTICATE") ? "AUTHENTICATE" : line;
      throw new IOException(shown + " refused: " + String.join(" | ", reply));
    }
    return reply;
  }

  /** The value of one {@code GETINFO} key. */
  String getInfo(String key) throws IOException {
    for (String l : command("GETINFO " + key)) {
      String prefix = "250-" + key + "=";
      if (l.startsWith(prefix)) {
        return l.substring(prefix.length());
      }
    }
    throw new IOException("GETINFO " + key + " gave no value");
  }

  /**
   * Waits for an asynchronous event line containing {@code text}, until {@code deadline}; returns
   * the line, or null at the deadline.
   */
  String awaitEvent(String text, long deadline, TorNode node) throws IOException {
    while (true) {
      for (String e = events.poll(); e != null; e = events.poll()) {
        if (e.contains(text)) {
          return e;
        }
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return null;
      }
      node.checkAlive();
      socket.setSoTimeout((int) Math.min(left, 1000));
      try {
        String l = readLine();
        if (l.startsWith("650")) {
          events.add(l);
        }
      } catch (SocketTimeoutException e) {
        // check the process and the deadline again
      }
    }
  }

  private String readLine() throws IOException {
    String l = in.readLine();
    if (l == null) {
      throw new IOException("control connection closed by Tor");
    }
    return l;
  }

  private static byte[] read(Path cookie) throws IOException {
    byte[] b = Files.readAllBytes(cookie);
    if (b.length != 32) {
      throw new IOException(cookie + " has " + b.length + " bytes, not 32 (still being written)");
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
