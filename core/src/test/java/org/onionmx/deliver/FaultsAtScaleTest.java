package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.OnionAddress;
import org.onionmx.resolve.OnionTarget;
import org.onionmx.resolve.Resolution;
import org.onionmx.resolve.RouteSource;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.testing.socks.Fault;

/**
 * Ten thousand messages from eight senders to twenty onion destinations through the fake Tor proxy,
 * with 5 % of them hit by a fault, on one shared mailer and its session pool. Every message must
 * end exactly once: delivered and held once by its sink, or reported with a reason; a cut after the
 * final "." must be reported as status unknown, and only that. No thread or descriptor may be left
 * behind.
 *
 * <p>The faults are planned up front from a seeded {@link Random} (property {@code
 * onionmx.faults.seed}), so each message's expected ending is known and a failure reproduces.
 * Connection faults need a Tor stream of their own: such a message goes to a subdomain label of its
 * destination's onion ({@code m<n>.<onion>.onion}: the same service for Tor, its own stream and
 * pool slot here), and the proxy applies the fault to exactly that name. SMTP faults are
 * per-recipient replies of the scripted sink, on pooled sessions.
 */
class FaultsAtScaleTest {
  private static final int MESSAGES = 10_000;
  private static final int SENDERS = 8;
  private static final int DESTINATIONS = 20;
  private static final double FAULT_RATE = 0.05;
  private static final long SEED = Long.getLong("onionmx.faults.seed", 20_261_125L);

  /** Bytes the proxy forwards before a mid-DATA cut: past the commands, early in the body. */
  private static final long CUT_MID_DATA_AFTER = 16 * 1024;

  /**
   * Body size of a message cut mid-DATA: twice the largest send buffer Linux gives a socket by
   * default ({@code net.ipv4.tcp_wmem}, 4 MiB), so the sender is still writing when the cut comes.
   */
  private static final int LARGE_BODY = 8 * 1024 * 1024;

  /** How often the receiver drops its sessions in the unplanned-faults test. */
  private static final Duration DROP_EVERY = Duration.ofMillis(200);

  private static final Pattern SEQ = Pattern.compile("X-Scale-Seq: (\\d+)");

  /** What happens to one message. */
  enum Kind {
    NONE,
    CUT_MID_DATA,
    CUT_BEFORE_DOT,
    CUT_AFTER_DOT,
    TOR_F2,
    TOR_F3,
    TOR_F7,
    SMTP_421,
    SMTP_451,
    SMTP_550,
    SLOW;

    boolean smtp() {
      return this == SMTP_421 || this == SMTP_451 || this == SMTP_550;
    }

    /** Faults that need the scripted sink: SMTP replies, and cuts (GreenMail logs each). */
    boolean scriptedSink() {
      return smtp() || this == CUT_MID_DATA || this == CUT_BEFORE_DOT || this == CUT_AFTER_DOT;
    }

    boolean connection() {
      return this != NONE && !smtp();
    }

    Fault fault() {
      return switch (this) {
        case CUT_MID_DATA -> Fault.cutAfterClientBytes(CUT_MID_DATA_AFTER);
        case CUT_BEFORE_DOT -> Fault.cutBeforeEndOfData();
        case CUT_AFTER_DOT -> Fault.cutAfterEndOfData();
        case TOR_F2 -> Fault.reply(0xF2);
        case TOR_F3 -> Fault.reply(0xF3);
        case TOR_F7 -> Fault.reply(0xF7);
        case SLOW -> Fault.delayed(Duration.ofMillis(150), Fault.pass());
        default -> throw new IllegalStateException(name() + " is not a connection fault");
      };
    }

    /** The result type the mailer must report. */
    Class<? extends RecipientResult> expected() {
      return switch (this) {
        case NONE, SLOW -> RecipientResult.Accepted.class;
        case CUT_BEFORE_DOT, CUT_AFTER_DOT -> RecipientResult.StatusUnknown.class;
        case SMTP_550 -> RecipientResult.Rejected.class;
        default -> RecipientResult.Deferred.class;
      };
    }
  }

  /** One planned message. */
  record Plan(int seq, int destination, Kind kind, String recipient, OnionTarget target) {}

  @Test
  void everyMessageIsAccountedForExactlyOnceUnderInjectedFaults() throws Exception {
    warmUp();
    long threadsBefore = liveThreads();
    int fdsBefore = openDescriptors();

    Random random = new Random(SEED);
    List<String> onions = new ArrayList<>();
    for (int d = 0; d < DESTINATIONS; d++) {
      onions.add(randomOnion(random));
    }
    List<Plan> plans = plan(random, onions);

    // the scripted sink pipelines (RFC 2920), GreenMail does not: faults hit both kinds of session
    ScriptedSmtpServer scripted = ScriptedSmtpServer.start().offerPipelining();
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    FakeTorProxy proxy = FakeTorProxy.start();
    Map<String, Fault> faults = new ConcurrentHashMap<>();
    proxy.addRule(r -> Optional.ofNullable(faults.get(r.host())));
    for (Plan p : plans) {
      String host = p.target().onion().hostname();
      int port = sinkIsScripted(p.destination()) ? scripted.port() : greenMail.getSmtp().getPort();
      proxy.route(host, port);
      if (p.kind().connection()) {
        faults.put(host, p.kind().fault());
      }
      if (p.kind().smtp()) {
        scripted.replyToRecipient(p.recipient(), smtpReply(p.kind()));
      }
    }

    OnionMailer mailer = Fixtures.mailer(proxy).build();
    RecipientResult[] results = new RecipientResult[MESSAGES];
    List<String> errors = new ArrayList<>();
    Instant start = Instant.now();
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        running.add(
            senders.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                    Plan p = plans.get(i);
                    DeliveryReport report =
                        mailer.deliver(route(p), Fixtures.envelope(p.recipient()), message(p));
                    assertEquals(1, report.results().size(), "results for message " + i);
                    results[i] = report.results().get(0);
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
      mailer.close();
    }
    Duration took = Duration.between(start, Instant.now());

    int[] held = new int[MESSAGES];
    for (ScriptedSmtpServer.Transaction t : scripted.transactions()) {
      held[seq(t.text())]++;
    }
    for (MimeMessage m : greenMail.getReceivedMessages()) {
      held[Integer.parseInt(m.getHeader("X-Scale-Seq")[0].trim())]++;
    }
    proxy.assertNoIpDestinations();
    int appliedFaults = proxy.appliedFaults().size();
    proxy.close();
    scripted.close();
    greenMail.stop();

    Map<Kind, int[]> table = new EnumMap<>(Kind.class); // accepted, rejected, deferred, unknown
    int unknownHeld = 0;
    for (Plan p : plans) {
      RecipientResult r = results[p.seq()];
      int h = held[p.seq()];
      if (r == null) {
        errors.add(p + ": no result (lost)");
        continue;
      }
      if (!p.kind().expected().isInstance(r)) {
        errors.add(p + ": expected " + p.kind().expected().getSimpleName() + ", got " + r);
      }
      int expectedTorCode =
          switch (p.kind()) {
            case TOR_F2 -> 0xF2;
            case TOR_F3 -> 0xF3;
            case TOR_F7 -> 0xF7;
            default -> -1;
          };
      if (expectedTorCode > 0
          && !(r instanceof RecipientResult.Deferred d
              && d.failure() instanceof Failure.Tor t
              && t.socksCode() == expectedTorCode)) {
        errors.add(p + ": expected a deferral for Tor reply " + expectedTorCode + ", got " + r);
      }
      int column;
      if (r instanceof RecipientResult.Accepted) {
        column = 0;
        if (h != 1) {
          errors.add(p + ": accepted but the sink holds it " + h + " times");
        }
      } else if (r instanceof RecipientResult.StatusUnknown) {
        column = 3;
        if (h > 1) {
          errors.add(p + ": status unknown but the sink holds it " + h + " times");
        }
        unknownHeld += h;
      } else {
        column = r instanceof RecipientResult.Rejected ? 1 : 2;
        if (h != 0) {
          errors.add(p + ": reported " + r + " but the sink holds it " + h + " times");
        }
      }
      table.computeIfAbsent(p.kind(), k -> new int[4])[column]++;
    }
    System.out.println(summary(table, unknownHeld, took));
    assertEquals(Set.of(Kind.values()), table.keySet(), "every kind of fault was injected");
    assertEquals(
        plans.stream().filter(p -> p.kind().connection()).count(),
        appliedFaults,
        "the proxy applied each planned connection fault once");

    if (!errors.isEmpty()) {
      fail(errors.size() + " message(s) not accounted for:\n" + String.join("\n", errors));
    }
    assertNoLeak(threadsBefore, fdsBefore);
  }

  /**
   * Faults nobody planned: the receiver drops every open session every 200 ms, whatever it is doing
   * (idle in the pool, mid-command, mid-DATA, between storing a message and replying). Whatever
   * each message's fate, it must be told exactly once and agree with what the receiver holds.
   */
  @Test
  void receiverDroppingPooledSessionsLosesNothingAndCountsNothingTwice() throws Exception {
    int messages = 2_000;
    warmUp();
    long threadsBefore = liveThreads();
    int fdsBefore = openDescriptors();
    Random random = new Random(SEED);
    List<Plan> plans = new ArrayList<>();
    List<String> onions = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      onions.add(randomOnion(random));
    }
    for (int i = 0; i < messages; i++) {
      int d = i % onions.size();
      OnionTarget target = new OnionTarget(new OnionAddress(onions.get(d), null), 25);
      plans.add(new Plan(i, d, Kind.NONE, "user@" + domain(d), target));
    }
    ScriptedSmtpServer sink = ScriptedSmtpServer.start().offerPipelining();
    FakeTorProxy proxy = FakeTorProxy.start().defaultRoute(sink.port());
    OnionMailer mailer = Fixtures.mailer(proxy).build();
    RecipientResult[] results = new RecipientResult[messages];
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS + 1);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        running.add(
            senders.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    Plan p = plans.get(i);
                    results[i] =
                        mailer
                            .deliver(route(p), Fixtures.envelope(p.recipient()), message(p))
                            .results()
                            .get(0);
                  }
                  return null;
                }));
      }
      Future<?> dropper =
          senders.submit(
              () -> {
                while (next.get() < messages) {
                  Thread.sleep(DROP_EVERY.toMillis());
                  sink.dropConnections();
                }
                return null;
              });
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
      dropper.get(5, TimeUnit.SECONDS);
    } finally {
      senders.shutdownNow();
      mailer.close();
    }
    int[] held = new int[messages];
    for (ScriptedSmtpServer.Transaction t : sink.transactions()) {
      held[seq(t.text())]++;
    }
    int dropped = sink.connections();
    proxy.close();
    sink.close();

    int[] counts = new int[4];
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      RecipientResult r = results[i];
      int h = held[i];
      if (r instanceof RecipientResult.Accepted) {
        counts[0]++;
        if (h != 1) {
          errors.add(i + ": accepted, held " + h + " times");
        }
      } else if (r instanceof RecipientResult.StatusUnknown) {
        counts[3]++;
        if (h > 1) {
          errors.add(i + ": status unknown, held " + h + " times");
        }
      } else if (r != null) {
        counts[r instanceof RecipientResult.Rejected ? 1 : 2]++;
        if (h != 0) {
          errors.add(i + ": " + r + ", held " + h + " times");
        }
      } else {
        errors.add(i + ": no result (lost)");
      }
    }
    System.out.printf(
        "%nReceiver dropping sessions every %d ms: %d messages over %d connections:"
            + " %d delivered, %d rejected, %d deferred, %d unknown%n",
        DROP_EVERY.toMillis(), messages, dropped, counts[0], counts[1], counts[2], counts[3]);
    if (!errors.isEmpty()) {
      fail(errors.size() + " message(s) not accounted for:\n" + String.join("\n", errors));
    }
    assertEquals(0, counts[1], "a dropped session is never a permanent failure");
    assertTrue(dropped > SENDERS, "the receiver dropped sessions (" + dropped + " connections)");
    assertNoLeak(threadsBefore, fdsBefore);
  }

  private static List<Plan> plan(Random random, List<String> onions) {
    Kind[] faultKinds = {
      Kind.CUT_MID_DATA,
      Kind.CUT_BEFORE_DOT,
      Kind.CUT_AFTER_DOT,
      Kind.TOR_F2,
      Kind.TOR_F3,
      Kind.TOR_F7,
      Kind.SMTP_421,
      Kind.SMTP_451,
      Kind.SMTP_550,
      Kind.SLOW
    };
    List<Plan> plans = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      Kind kind =
          random.nextDouble() < FAULT_RATE
              ? faultKinds[random.nextInt(faultKinds.length)]
              : Kind.NONE;
      int d = random.nextInt(DESTINATIONS);
      if (kind.scriptedSink() && !sinkIsScripted(d)) {
        d--;
      }
      String recipient = (kind.smtp() ? "r" + i : "user" + (i % 7)) + "@" + domain(d);
      String label = kind.connection() ? "m" + i : null;
      OnionTarget target = new OnionTarget(new OnionAddress(onions.get(d), label), 25);
      plans.add(new Plan(i, d, kind, recipient, target));
    }
    return plans;
  }

  private static boolean sinkIsScripted(int destination) {
    return destination % 2 == 0;
  }

  private static String domain(int destination) {
    return "d" + destination + ".example";
  }

  private static String smtpReply(Kind kind) {
    return switch (kind) {
      case SMTP_421 -> "421 4.3.2 service shutting down";
      case SMTP_451 -> "451 4.3.0 try again later";
      case SMTP_550 -> "550 5.1.1 no such user";
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  private static Resolution.Routed route(Plan p) {
    return new Resolution.Routed(
        domain(p.destination()), List.of(p.target()), RouteSource.MAP, Instant.MAX);
  }

  private static byte[] message(Plan p) {
    String text =
        "From: alice@sender.example\r\n"
            + "To: "
            + p.recipient()
            + "\r\n"
            + "Subject: scale "
            + p.seq()
            + "\r\n"
            + "Message-ID: <scale-"
            + p.seq()
            + "@sender.example>\r\n"
            + "X-Scale-Seq: "
            + p.seq()
            + "\r\n"
            + "\r\n"
            + "message "
            + p.seq()
            + " of "
            + MESSAGES
            + "\r\n.leading dot, stuffed\r\n";
    if (p.kind() == Kind.CUT_MID_DATA) {
      String line = "x".repeat(98) + "\r\n";
      text += line.repeat(LARGE_BODY / line.length());
    }
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int seq(String text) {
    Matcher m = SEQ.matcher(text);
    if (!m.find()) {
      throw new AssertionError("a message without X-Scale-Seq reached the sink: " + text);
    }
    return Integer.parseInt(m.group(1));
  }

  private static String summary(Map<Kind, int[]> table, int unknownHeld, Duration took) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%nFaults at scale (seed %d)%n", SEED));
    b.append(
        String.format(
            "%-14s %8s %9s %9s %9s %8s%n",
            "kind", "messages", "delivered", "rejected", "deferred", "unknown"));
    int[] total = new int[4];
    for (Map.Entry<Kind, int[]> e : table.entrySet()) {
      int[] c = e.getValue();
      b.append(row(e.getKey().name().toLowerCase(java.util.Locale.ROOT), c));
      for (int i = 0; i < 4; i++) {
        total[i] += c[i];
      }
    }
    b.append(row("total", total));
    double seconds = took.toMillis() / 1000.0;
    b.append(
        String.format(
            "status unknown and yet held by the sink: %d of %d%n", unknownHeld, total[3]));
    b.append(
        String.format(
            "%d senders, %d destinations: %.1f s, %.0f messages/s%n",
            SENDERS, DESTINATIONS, seconds, MESSAGES / seconds));
    return b.toString();
  }

  private static String row(String name, int[] c) {
    return String.format(
        "%-14s %8d %9d %9d %9d %8d%n", name, c[0] + c[1] + c[2] + c[3], c[0], c[1], c[2], c[3]);
  }

  /**
   * One delivery to each kind of sink, closed again: class loading opens jar files and the JDK
   * starts a few threads once, which the leak count before and after must not blame on the run.
   */
  private static void warmUp() throws Exception {
    ScriptedSmtpServer scripted = ScriptedSmtpServer.start();
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    FakeTorProxy proxy = FakeTorProxy.start();
    try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
      int[] ports = {scripted.port(), greenMail.getSmtp().getPort()};
      for (int i = 0; i < ports.length; i++) {
        proxy.route(Fixtures.host("warm-up" + i), ports[i]);
        mailer.deliver(
            Fixtures.route(Fixtures.target("warm-up" + i)),
            Fixtures.envelope("bob@" + Fixtures.DOMAIN),
            Fixtures.rawMessage("warm-up", "."));
      }
    } finally {
      proxy.close();
      scripted.close();
      greenMail.stop();
    }
  }

  /**
   * Waits up to 5 s for threads and descriptors to come back to their numbers before, +1 and +2.
   */
  private static void assertNoLeak(long threadsBefore, int fdsBefore) throws InterruptedException {
    long threads = liveThreads();
    int fds = openDescriptors();
    for (int i = 0; i < 50 && (threads > threadsBefore + 1 || fds > fdsBefore + 2); i++) {
      Thread.sleep(100);
      threads = liveThreads();
      fds = openDescriptors();
    }
    System.out.printf(
        "threads %d -> %d, file descriptors %d -> %d%n", threadsBefore, threads, fdsBefore, fds);
    long t = threads;
    assertTrue(
        threads <= threadsBefore + 1,
        () -> "threads " + threadsBefore + " -> " + t + ": " + Thread.getAllStackTraces().keySet());
    assertTrue(fds <= fdsBefore + 2, "file descriptors " + fdsBefore + " -> " + fds);
  }

  private static long liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
  }

  private static int openDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    if (fds == null) {
      throw new AssertionError("/proc/self/fd is not readable: this test needs Linux");
    }
    return fds.length;
  }

  /** A random valid v3 onion service id (pubkey, SHA3-256 checksum, version 3). */
  static String randomOnion(Random random) throws Exception {
    byte[] key = new byte[32];
    random.nextBytes(key);
    MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
    sha3.update(".onion checksum".getBytes(StandardCharsets.US_ASCII));
    sha3.update(key);
    sha3.update((byte) 3);
    byte[] sum = sha3.digest();
    byte[] all = new byte[35];
    System.arraycopy(key, 0, all, 0, 32);
    all[32] = sum[0];
    all[33] = sum[1];
    all[34] = 3;
    return base32(all);
  }

  private static String base32(byte[] bytes) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder b = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte x : bytes) {
      buffer = (buffer << 8) | (x & 0xFF);
      bits += 8;
      while (bits >= 5) {
        b.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    return b.toString();
  }
}
