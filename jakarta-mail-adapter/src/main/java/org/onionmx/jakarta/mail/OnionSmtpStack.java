package org.onionmx.jakarta.mail;

import jakarta.mail.MessagingException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.tor.BootstrapStatus;
import org.onionmx.tor.TorControlException;
import org.onionmx.tor.TorHealth;

/**
 * A hold on the delivery stack that {@code onion-smtp} transports with the same {@code
 * mail.onion-smtp.*} configuration share (see {@code docs/jakarta-mail.md}, "Lifetime and cost"),
 * for code that also calls the core directly: the same resolver, mailer (with its pool of open
 * onion sessions) and Tor health monitor that the transports use, not a second stack beside them.
 * Get one with {@link OnionSmtp#stack(Properties)}.
 *
 * <p>While held, the stack stays open even when no transport uses it. {@link #close()} lets go; the
 * stack is closed at once if no transport or other holder has it. Do not close the {@link
 * #mailer()} itself: it belongs to the stack. Thread-safe.
 */
public final class OnionSmtpStack implements AutoCloseable {
  private final SharedStacks.Lease lease;
  private final OnionStack stack;

  private OnionSmtpStack(SharedStacks.Lease lease, OnionStack stack) {
    this.lease = lease;
    this.stack = stack;
  }

  static OnionSmtpStack open(Properties sessionProperties) throws MessagingException {
    Objects.requireNonNull(sessionProperties, "sessionProperties");
    OnionSmtpSettings settings;
    try {
      settings = OnionSmtpSettings.from(sessionProperties);
    } catch (IllegalArgumentException e) {
      throw new MessagingException(e.getMessage(), e);
    }
    SharedStacks.Lease lease = SharedStacks.instance().acquire(settings);
    return new OnionSmtpStack(lease, lease.stack());
  }

  /** The resolver: the map (re-read when its files change) and the SRV cache. */
  public OnionResolver resolver() {
    return stack.resolver;
  }

  /** The mailer with its pool of onion sessions; owned by the stack, so never close it. */
  public OnionMailer mailer() {
    return stack.mailer;
  }

  /** The resolver and mailer as one sender, as the transports send. */
  public OnionSender sender() {
    return stack.sender;
  }

  /** The Tor health monitor: outcomes of onion streams, {@code NEWNYM} recoveries, bootstrap. */
  public TorHealth health() {
    return stack.health;
  }

  /**
   * The Tor SOCKS listener the stack connects to: {@code mail.onion-smtp.socks.*}, or the one the
   * control port named when those are unset.
   */
  public InetSocketAddress socksListener() {
    return stack.socks;
  }

  /**
   * Tor's bootstrap progress now, asked over the control port ({@code GETINFO
   * status/bootstrap-phase}); empty if no control port is configured or it did not answer when the
   * stack was built.
   *
   * @throws TorControlException if the control connection fails now (Tor restarted or stopped)
   */
  public Optional<BootstrapStatus> bootstrapStatus() throws TorControlException {
    return stack.control == null
        ? Optional.empty()
        : Optional.of(stack.control.bootstrapStatus());
  }

  /**
   * Lets go of the stack; it closes now (sessions end with {@code QUIT}, the control connection
   * closes) unless a transport or another holder has it, and then once they let go and it was idle
   * for {@code mail.onion-smtp.idle-timeout}. The second call does nothing.
   */
  @Override
  public void close() {
    lease.releaseAndCloseIfUnused();
  }

  @Override
  public String toString() {
    return "OnionSmtpStack[socks " + stack.socks + ", " + stack.mailer + "]";
  }
}
