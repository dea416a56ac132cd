package org.onionmx.testing.socks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies bytes both ways between a client and a local server, applying a cut fault on the
 * client-to-server direction.
 */
final class Pump {
  private static final byte[] END_OF_DATA = {'\r', '\n', '.', '\r', '\n'};

  /** Where the "." line starts in {@link #END_OF_DATA}: what comes before it is sent at once. */
  private static final int DOT = 2;

  /** How many bytes of the "." line are held after {@code matched} bytes of the marker. */
  private static int held(int matched) {
    return Math.max(0, matched - DOT);
  }

  private final FakeTorProxy proxy;
  private final Socket client;
  private final Socket server;
  private final Fault fault;
  private volatile boolean cut;

  Pump(FakeTorProxy proxy, Socket client, Socket server, Fault fault) {
    this.proxy = proxy;
    this.client = client;
    this.server = server;
    this.fault = fault;
  }

  /** Runs on the session's thread until the client stops sending or the fault cuts. */
  void clientToServer(InputStream in) throws IOException {
    OutputStream out = server.getOutputStream();
    long limit = fault instanceof Fault.CutAfterClientBytes c ? c.bytes() : Long.MAX_VALUE;
    boolean watchEnd =
        fault instanceof Fault.CutBeforeEndOfData || fault instanceof Fault.CutAfterEndOfData;
    long sent = 0;
    int matched = 0; // bytes of END_OF_DATA matched so far, across reads
    byte[] buffer = new byte[8192];
    boolean ok = false;
    try {
      while (sent < limit) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
        if (n < 0) {
          out.write(END_OF_DATA, DOT, held(matched)); // a held "." line was not the end after all
          out.flush();
          server.shutdownOutput(); // pass the half-close on; the reply still flows back
          ok = true;
          return;
        }
        if (watchEnd) {
          // Everything goes on at once but the final "." line itself: from its "." on, bytes are
          // held until the marker completes or breaks. A line's "." is always followed at once by
          // the rest of its line, so holding it waits for nothing, and the cut falls at the same
          // byte however the client's writes were split.
          ByteArrayOutputStream forward = new ByteArrayOutputStream(n + END_OF_DATA.length);
          for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == END_OF_DATA[matched]) {
              matched++;
              if (matched <= DOT) {
                forward.write(b);
              } else if (matched == END_OF_DATA.length) {
                if (fault instanceof Fault.CutAfterEndOfData) {
                  forward.write(END_OF_DATA, DOT, END_OF_DATA.length - DOT);
                }
                byte[] last = forward.toByteArray();
                cutAt(out, last, last.length);
                ok = true;
                return;
              }
            } else {
              forward.write(END_OF_DATA, DOT, held(matched));
              matched = b == '\r' ? 1 : 0;
              forward.write(b);
            }
          }
          forward.writeTo(out);
          out.flush();
          sent += n;
          continue;
        }
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
      }
      cutAt(out, buffer, 0);
      ok = true;
    } finally {
      if (!ok) {
        proxy.closeQuietly(server);
      }
    }
  }

  /** Forwards the last bytes, then cuts the client off; the server side closes on its reply. */
  private void cutAt(OutputStream out, byte[] buffer, int forward) throws IOException {
    cut = true;
    proxy.closeQuietly(client);
    if (forward > 0) {
      out.write(buffer, 0, forward);
      out.flush();
    }
    if (fault instanceof Fault.CutAfterEndOfData) {
      return; // serverToClient drops the reply and then closes the server side
    }
    proxy.closeQuietly(server);
  }

  void serverToClient() {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = server.getInputStream();
      OutputStream out = client.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (cut) {
          break; // the server's reply to the final dot is lost, as on a broken circuit
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      if (!cut) {
        client.shutdownOutput();
      }
    } catch (IOException e) {
      // either side went away
    } finally {
      proxy.closeQuietly(server);
      if (!cut) {
        proxy.closeQuietly(client);
      }
    }
  }
}
