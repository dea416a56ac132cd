package org.onionmx.deliver;

import java.util.Objects;

/**
 * Why a recipient was not (or not known to be) delivered on a target: an SMTP reply, a Tor SOCKS
 * reply, a broken or refused connection, or an SMTP extension the message needs and the server
 * lacks. Immutable values.
 */
public sealed interface Failure
    permits Failure.Smtp, Failure.Tor, Failure.Connection, Failure.Unsupported {
  /** The failure in words, for logs and bounce messages. */
  String text();

  /** True if a later attempt, or another target, may succeed. */
  boolean temporary();

  /**
   * The SMTP server answered with a failure code.
   *
   * @param code the reply code, 400-599
   * @param text the server's reply text, as sent
   */
  record Smtp(int code, String text) implements Failure {
    /**
     * @throws IllegalArgumentException if {@code code} is not 400-599
     */
    public Smtp {
      if (code < 400 || code > 599) {
        throw new IllegalArgumentException("SMTP failure code " + code + " is not 400-599");
      }
      Objects.requireNonNull(text, "text");
    }

    /** True for 4xx replies. */
    @Override
    public boolean temporary() {
      return code < 500;
    }
  }

  /**
   * Tor could not open the stream to the onion service.
   *
   * @param socksCode the SOCKS5 reply code (0xF0-0xF7 for Tor's onion errors), or -1 when Tor gave
   *     no reply (no listener, timeout, garbage)
   * @param text what happened
   * @param temporary whether another attempt may succeed
   */
  record Tor(int socksCode, String text, boolean temporary) implements Failure {
    /** Checks that {@code text} is not null. */
    public Tor {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The SMTP connection broke, timed out, or could not be secured. Always temporary.
   *
   * @param kind what went wrong
   * @param text details
   */
  record Connection(Kind kind, String text) implements Failure {
    /** Checks that no component is null. */
    public Connection {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public boolean temporary() {
      return true;
    }

    /** What went wrong with the connection. */
    public enum Kind {
      /** No reply within the read timeout. */
      TIMEOUT,
      /** The connection was closed or reset. */
      CUT,
      /** STARTTLS was required but not offered, or the certificate did not verify. */
      TLS,
      /** The server sent something that is not SMTP, or failed EHLO and HELO. */
      PROTOCOL,
      /** The delivering thread was interrupted. */
      INTERRUPTED,
      /**
       * The server sent more than a limit allows for one reply (a line or a reply too long); the
       * text names the limit. The session is closed, never reused.
       */
      LIMIT
    }
  }

  /**
   * The recipient was not offered to the server at all: its address, or the sender's, has a
   * non-ASCII local part, which needs the {@code SMTPUTF8} extension (RFC 6531), and the server
   * does not offer it. Permanent, as Postfix's "SMTPUTF8 is required, but was not offered" (status
   * 5.6.7): writing the address in another encoding would deliver to someone else.
   *
   * @param extension the missing extension, {@code SMTPUTF8}
   * @param text what happened
   */
  record Unsupported(String extension, String text) implements Failure {
    /** Checks that nothing is null. */
    public Unsupported {
      Objects.requireNonNull(extension, "extension");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public boolean temporary() {
      return false;
    }
  }
}
