package org.onionmx.deliver;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.onionmx.deliver.Failure.Connection.Kind;
import org.onionmx.tor.TorSocksException;

/** Turns exceptions and SMTP replies into {@link Failure}s. */
final class Failures {
  private Failures() {}

  /** An SMTP reply as a failure: {@link Failure.Smtp} for 4xx/5xx, a protocol error otherwise. */
  static Failure ofReply(int code, String text) {
    String clean = clean(text);
    if (code >= 400 && code <= 599) {
      return new Failure.Smtp(code, clean);
    }
    if (code < 0) {
      return new Failure.Connection(Kind.CUT, "the server closed the connection");
    }
    return new Failure.Connection(Kind.PROTOCOL, "unexpected reply: " + clean);
  }

  /** A failure while opening a session, given the last SMTP reply seen (0 if none). */
  static Failure ofOpening(Throwable e, int lastCode, String lastReply) {
    if (e instanceof TorSocksException t) {
      return new Failure.Tor(t.replyCode(), t.getMessage(), t.isTemporary());
    }
    Failure limit = ofLimit(e);
    if (limit != null) {
      return limit;
    }
    if (has(e, SocketTimeoutException.class)) {
      return new Failure.Connection(Kind.TIMEOUT, describe(e));
    }
    if (lastCode >= 400 && lastCode <= 599) {
      return new Failure.Smtp(lastCode, clean(lastReply));
    }
    String text = describe(e);
    if (has(e, SSLException.class)
        || has(e, CertificateException.class)
        || text.contains("STARTTLS")) {
      return new Failure.Connection(Kind.TLS, text);
    }
    if (has(e, IOException.class)) {
      return new Failure.Connection(Kind.CUT, text);
    }
    return new Failure.Connection(Kind.PROTOCOL, text);
  }

  /** A connection that broke during a transaction. */
  static Failure ofBroken(Throwable e) {
    if (e == null) {
      return new Failure.Connection(Kind.CUT, "the server closed the connection");
    }
    Failure limit = ofLimit(e);
    if (limit != null) {
      return limit;
    }
    if (has(e, SocketTimeoutException.class)) {
      return new Failure.Connection(Kind.TIMEOUT, describe(e));
    }
    return new Failure.Connection(Kind.CUT, describe(e));
  }

  /** A {@link Kind#LIMIT} failure naming the limit if {@code e} was caused by one, else null. */
  private static Failure ofLimit(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ReplyLimitException limit) {
        return new Failure.Connection(Kind.LIMIT, limit.getMessage());
      }
    }
    return null;
  }

  /** The messages of {@code e} and its causes, joined. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && b.indexOf(m) < 0) {
        b.append(b.length() == 0 ? "" : ": ").append(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
  }

  /** True if {@code e} or a cause is a {@code type} (a MessagingException's cause is its next). */
  static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  static String clean(String reply) {
    return reply == null ? "" : reply.strip();
  }
}
