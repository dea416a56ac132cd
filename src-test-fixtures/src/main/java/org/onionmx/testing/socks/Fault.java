package org.onionmx.testing.socks;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FakeTorProxy} does to one connection instead of (or on top of) forwarding it. Choose
 * faults per connection with {@link FaultRule}s. Immutable values.
 */
public sealed interface Fault {
  /** Answer the CONNECT with this SOCKS reply code (0x01-0xFF, for example Tor's 0xF0-0xF7). */
  record Reply(int code) implements Fault {
    /**
     * @throws IllegalArgumentException if {@code code} is not 1-255
     */
    public Reply {
      if (code < 1 || code > 255) {
        throw new IllegalArgumentException("reply code " + code + " is not 1-255");
      }
    }
  }

  /** Wait {@code delay} before doing {@code then}, as a slow Tor does. */
  record Delay(Duration delay, Fault then) implements Fault {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Delay {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(then, "then");
    }
  }

  /** Send these bytes instead of a reply, then close. */
  record Garbage(byte[] bytes) implements Fault {
    /**
     * @throws NullPointerException if {@code bytes} is null
     */
    public Garbage {
      bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /** Close the connection without answering the CONNECT. */
  record CloseWithoutReply() implements Fault {}

  /** Connect normally, forward {@code bytes} bytes from the client, then cut both sides. */
  record CutAfterClientBytes(long bytes) implements Fault {
    /**
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public CutAfterClientBytes {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes " + bytes + " is negative");
      }
    }
  }

  /**
   * Connect normally, but cut both sides before the client's end-of-data marker {@code CRLF.CRLF}
   * is complete: the server sees a message cut off in the middle of DATA. Bytes of the marker that
   * the client sent in an earlier write (a lone CRLF, say) have already been forwarded; the server
   * never receives the whole marker.
   */
  record CutBeforeEndOfData() implements Fault {}

  /**
   * Connect normally, forward the client's end-of-data marker {@code CRLF.CRLF}, then cut the
   * client off at once and drop the server's reply: the server may have taken the message while the
   * client never learns it.
   */
  record CutAfterEndOfData() implements Fault {}

  /** Connect and forward normally (useful after a {@link Delay}). */
  record Pass() implements Fault {}

  /**
   * Answer the CONNECT with success, but send the 10-byte reply one byte every {@code interval}, as
   * a hostile or broken proxy might; then forward normally. Against a client that sets its read
   * timeout per read rather than per reply, each byte arrives in time and the reply takes ten
   * intervals.
   */
  record DripReply(Duration interval) implements Fault {
    /**
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public DripReply {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval " + interval + " is negative");
      }
    }
  }

  /** Answer with {@code code}. */
  static Fault reply(int code) {
    return new Reply(code);
  }

  /** Wait, then do {@code then}. */
  static Fault delayed(Duration delay, Fault then) {
    return new Delay(delay, then);
  }

  /** Send {@code bytes} instead of a reply. */
  static Fault garbage(byte[] bytes) {
    return new Garbage(bytes);
  }

  /** Close without replying. */
  static Fault closeWithoutReply() {
    return new CloseWithoutReply();
  }

  /** Cut after {@code bytes} bytes from the client. */
  static Fault cutAfterClientBytes(long bytes) {
    return new CutAfterClientBytes(bytes);
  }

  /** Cut at the end of DATA: the server gets the message with its last CRLF, never the "." line. */
  static Fault cutBeforeEndOfData() {
    return new CutBeforeEndOfData();
  }

  /** Cut after the final dot, before the server's reply. */
  static Fault cutAfterEndOfData() {
    return new CutAfterEndOfData();
  }

  /** Send the success reply one byte every {@code interval}, then forward. */
  static Fault dripReply(Duration interval) {
    return new DripReply(interval);
  }

  /** Forward normally. */
  static Fault pass() {
    return new Pass();
  }
}
