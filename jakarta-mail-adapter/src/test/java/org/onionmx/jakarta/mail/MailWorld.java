package org.onionmx.jakarta.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.event.TransportEvent;
import jakarta.mail.event.TransportListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.onionmx.testing.Closing;
import org.onionmx.testing.ScratchDirectory;
import org.onionmx.testing.dns.DnsFault;
import org.onionmx.testing.dns.FakeDnsServer;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * Everything a message meets on loopback: GreenMail behind two onion services (reached only through
 * the fake Tor proxy), a scripted SMTP server behind a third that refuses {@value #NOBODY}, a
 * second GreenMail as the application's clearnet relay, and a fake DNS server:
 *
 * <ul>
 *   <li>{@value #PINNED}: in a map file, to {@code mx.<id>.onion};
 *   <li>{@value #SRV}: an SRV record to {@code mx.<id>.onion};
 *   <li>{@value #STRICT}: an SRV record to {@code strict.<id>.onion} (the scripted server);
 *   <li>{@value #CLEAR}: NXDOMAIN, so no onion route;
 *   <li>{@value #BROKEN}: SERVFAIL, so the look-up cannot tell;
 *   <li>{@link #ONION}: a {@code .onion} recipient domain, delivered directly.
 * </ul>
 *
 * <p>A JUnit 5 extension: the world is built before each test and torn down after it, whether the
 * test passed or not: {@literal @}RegisterExtension on {@code final MailWorld world = new
 * MailWorld();}.
 */
final class MailWorld implements BeforeEachCallback, AfterEachCallback {
  static final String SERVICE_ID = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid";
  static final String ONION = SERVICE_ID + ".onion";
  static final String PINNED = "pinned.example";
  static final String SRV = "srv.example";
  static final String STRICT = "strict.example";
  static final String CLEAR = "clear.example";
  static final String BROKEN = "broken.example";
  static final String NOBODY = "nobody@strict.example";
  static final String SENDER = "alice@sender.example";

  private final boolean scripted;
  private GreenMail onionServer;
  private GreenMail relay;
  private ScriptedSmtpServer scriptedRelay;
  private ScriptedSmtpServer strict;
  private FakeTorProxy tor;
  private FakeDnsServer dns;
  private ScratchDirectory dir;
  private Path map;

  /** A world whose clearnet relay is GreenMail ({@link #relay()}). */
  MailWorld() {
    this(false);
  }

  private MailWorld(boolean scripted) {
    this.scripted = scripted;
  }

  /**
   * A world whose clearnet relay is a {@link ScriptedSmtpServer} ({@link #scriptedRelay()}), for
   * tests of its replies and of what it is told.
   */
  static MailWorld withScriptedRelay() {
    return new MailWorld(true);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    onionServer = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    onionServer.start();
    if (scripted) {
      scriptedRelay = ScriptedSmtpServer.start();
    } else {
      relay = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
      relay.start();
    }
    strict = ScriptedSmtpServer.start().replyToRecipient(NOBODY, "550 5.1.1 no such user");
    tor = FakeTorProxy.start();
    tor.route("mx." + ONION, onionServer.getSmtp().getPort());
    tor.route(ONION, onionServer.getSmtp().getPort());
    tor.route("strict." + ONION, strict.port());
    dns = FakeDnsServer.start();
    dns.add(
        "_onion-mx._tcp." + SRV + ". 300 IN SRV 0 5 25 mx." + ONION + ".",
        "_onion-mx._tcp." + STRICT + ". 300 IN SRV 0 5 25 strict." + ONION + ".");
    dns.fault("_onion-mx._tcp." + BROKEN, new DnsFault.Rcode(2));
    dir = ScratchDirectory.create("mail-world");
    map = dir.path().resolve("onion-map.yml");
    Files.writeString(map, "'mx." + ONION + "': [" + PINNED + "]\n");
  }

  /** GreenMail behind the onion services {@code mx.<id>.onion} and {@code <id>.onion}. */
  GreenMail onionServer() {
    return onionServer;
  }

  /** GreenMail as the application's clearnet relay ({@code mail.smtp.*}). */
  GreenMail relay() {
    if (relay == null) {
      throw new IllegalStateException("this world's relay is scriptedRelay()");
    }
    return relay;
  }

  /** The scripted clearnet relay of {@link #withScriptedRelay()}. */
  ScriptedSmtpServer scriptedRelay() {
    if (scriptedRelay == null) {
      throw new IllegalStateException("this world's relay is relay()");
    }
    return scriptedRelay;
  }

  /** The scripted server behind {@code strict.<id>.onion}, which refuses {@value #NOBODY}. */
  ScriptedSmtpServer strict() {
    return strict;
  }

  /** The fake Tor proxy. */
  FakeTorProxy tor() {
    return tor;
  }

  /** The fake DNS server. */
  FakeDnsServer dns() {
    return dns;
  }

  /** The map file, which pins {@value #PINNED}; tests may rewrite it. */
  Path map() {
    return map;
  }

  /**
   * Session properties that send through this world: Tor, DNS, the map file (instead of the bundled
   * map) and the relay as {@code mail.smtp.*}.
   */
  Properties properties() {
    Properties p = new Properties();
    p.setProperty("mail.onion-smtp.socks.host", "127.0.0.1");
    p.setProperty("mail.onion-smtp.socks.port", String.valueOf(tor.port()));
    p.setProperty("mail.onion-smtp.dns.servers", "127.0.0.1:" + dns.port());
    p.setProperty("mail.onion-smtp.dnssec", "off");
    p.setProperty("mail.onion-smtp.map", map.toString());
    p.setProperty("mail.onion-smtp.connectiontimeout", "2000");
    p.setProperty("mail.onion-smtp.timeout", "5000");
    p.setProperty("mail.smtp.host", "127.0.0.1");
    int relayPort = scripted ? scriptedRelay.port() : relay.getSmtp().getPort();
    p.setProperty("mail.smtp.port", String.valueOf(relayPort));
    p.setProperty("mail.smtp.localhost", "relay-client.example");
    return p;
  }

  Session session() {
    return Session.getInstance(properties());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Closing.all(
        OnionSmtp::shutdown, // the stacks built for this world's ports
        tor,
        dns,
        strict,
        stopping(onionServer),
        stopping(relay),
        scriptedRelay,
        dir);
  }

  private static AutoCloseable stopping(GreenMail server) {
    return server == null ? null : server::stop;
  }

  /**
   * Collects transport events, which Jakarta Mail delivers on its own thread. Read them before
   * closing the transport: Jakarta Mail's event thread drops queued events if {@code close()} runs
   * before the thread has started.
   */
  static final class Events implements TransportListener {
    private final BlockingQueue<TransportEvent> events = new LinkedBlockingQueue<>();

    TransportEvent next() throws InterruptedException {
      TransportEvent e = events.poll(5, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no transport event within 5 s");
      }
      return e;
    }

    @Override
    public void messageDelivered(TransportEvent e) {
      events.add(e);
    }

    @Override
    public void messageNotDelivered(TransportEvent e) {
      events.add(e);
    }

    @Override
    public void messagePartiallyDelivered(TransportEvent e) {
      events.add(e);
    }
  }
}
