package org.onionmx.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A socket that holds what is written until the session waits for the peer: written bytes leave
 * when the socket is read from, when 16 KB are pending, or when it is closed or its output shut
 * down; {@code flush()} alone sends nothing.
 *
 * <p>Why: Angus Mail flushes after every command. With pipelining, the {@code MAIL FROM}, {@code
 * RCPT TO}s and {@code DATA} of a message would still leave as one write each: one TCP segment each
 * to Tor, and usually one relay cell each through the network. Held until the reply is awaited, the
 * group leaves as one write and, up to 498 bytes, one cell: less work for every relay on the
 * circuit, fewer hand-offs in the local Tor, and fewer cells for an observer to count. The JDK
 * offers no {@code TCP_CORK}, and Angus owns the buffered stream it flushes, so the holding is done
 * here, under Angus's streams (and under TLS, which layers over this socket).
 *
 * <p>Correct for SMTP because SMTP is half-duplex: the client reads a reply before it needs the
 * server to have seen anything more, and a session that ends without reading ({@code QUIT} with
 * {@code mail.smtp.quitwait=false}) ends with {@link #close()}, which sends what is pending first.
 * Not for full-duplex use. Every other call goes to the wrapped socket.
 */
final class CoalescingSocket extends Socket {
  /** Pending bytes that force a write: well above a pipelined group, a fraction of a message. */
  static final int HOLD_LIMIT = 16 * 1024;

  private final Socket socket;
  private final HeldOutput out;
  private final InputStream in;

  CoalescingSocket(Socket socket) throws IOException {
    this(socket, UnaryOperator.identity());
  }

  /**
   * @param reading wraps the socket's input stream before the holding is layered over it, for
   *     example to bound what the peer may send ({@link ReplyLimits#bound})
   */
  CoalescingSocket(Socket socket, UnaryOperator<InputStream> reading) throws IOException {
    this.socket = socket;
    this.out = new HeldOutput(socket.getOutputStream());
    this.in = new SendingInput(reading.apply(socket.getInputStream()), out);
  }

  @Override
  public InputStream getInputStream() throws IOException {
    checkOpen();
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    checkOpen();
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      if (!socket.isClosed() && !socket.isOutputShutdown()) {
        out.send();
      }
    } catch (IOException e) {
      // the peer is gone; closing is all that is left
    } finally {
      socket.close();
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    out.send();
    socket.shutdownOutput();
  }

  @Override
  public void shutdownInput() throws IOException {
    socket.shutdownInput();
  }

  /** Bytes written to this socket so far, held or not. */
  long bytesAccepted() {
    return out.accepted();
  }

  /**
   * Bytes written to the wrapped socket so far, by writes that completed: what was held when a
   * write failed is not among them. A write that fails may have passed some of its first bytes to
   * the system before failing, never its last: the last byte written to this socket has left only
   * once this count reaches {@link #bytesAccepted()}.
   */
  long bytesDelivered() {
    return out.delivered();
  }

  private void checkOpen() throws SocketException {
    if (socket.isClosed()) {
      throw new SocketException("Socket is closed");
    }
  }

  // everything else is the wrapped socket's

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    socket.connect(endpoint);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    socket.connect(endpoint, timeout);
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    socket.bind(bindpoint);
  }

  @Override
  public InetAddress getInetAddress() {
    return socket.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return socket.getLocalAddress();
  }

  @Override
  public int getPort() {
    return socket.getPort();
  }

  @Override
  public int getLocalPort() {
    return socket.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return socket.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return socket.getLocalSocketAddress();
  }

  /** None: a channel would bypass the holding. */
  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    socket.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return socket.getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    socket.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return socket.getSoLinger();
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    socket.sendUrgentData(data);
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    socket.setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return socket.getOOBInline();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    socket.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return socket.getSoTimeout();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    socket.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return socket.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    socket.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return socket.getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    socket.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return socket.getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    socket.setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return socket.getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    socket.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return socket.getReuseAddress();
  }

  @Override
  public boolean isConnected() {
    return socket.isConnected();
  }

  @Override
  public boolean isBound() {
    return socket.isBound();
  }

  @Override
  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    return socket.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return socket.isOutputShutdown();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    socket.setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    socket.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return socket.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return socket.supportedOptions();
  }

  @Override
  public String toString() {
    return "CoalescingSocket[" + socket + "]";
  }

  /** The output: a buffer that only {@link #send()} (or a full buffer) writes out. */
  private final class HeldOutput extends OutputStream {
    private final OutputStream out;
    private final byte[] buffer = new byte[HOLD_LIMIT];
    private int count;
    private long accepted;
    private long delivered;

    HeldOutput(OutputStream out) {
      this.out = out;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      if (count == buffer.length) {
        send();
      }
      buffer[count++] = (byte) b;
      accepted++;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len > buffer.length - count) {
        send();
        if (len >= buffer.length) {
          accepted += len;
          out.write(b, off, len);
          out.flush();
          delivered += len;
          return;
        }
      }
      System.arraycopy(b, off, buffer, count, len);
      count += len;
      accepted += len;
    }

    synchronized long accepted() {
      return accepted;
    }

    synchronized long delivered() {
      return delivered;
    }

    /** Held: the bytes leave when the session reads, or on {@link #send()}. */
    @Override
    public void flush() {}

    /** Writes out what is held. */
    synchronized void send() throws IOException {
      if (count > 0) {
        int n = count;
        count = 0; // a failed write is not retried: the session is over
        out.write(buffer, 0, n);
        out.flush();
        delivered += n;
      }
    }

    /** Sends what is held and closes the socket, as a socket's stream does. */
    @Override
    public void close() throws IOException {
      CoalescingSocket.this.close();
    }
  }

  /** The input: sends what is held before every read, when the session waits for the peer. */
  private final class SendingInput extends InputStream {
    private final InputStream in;
    private final HeldOutput pending;

    SendingInput(InputStream in, HeldOutput pending) {
      this.in = in;
      this.pending = pending;
    }

    @Override
    public int read() throws IOException {
      pending.send();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      pending.send();
      return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public long skip(long n) throws IOException {
      pending.send();
      return in.skip(n);
    }

    /** Closes the socket, as a socket's stream does. */
    @Override
    public void close() throws IOException {
      CoalescingSocket.this.close();
    }
  }
}
