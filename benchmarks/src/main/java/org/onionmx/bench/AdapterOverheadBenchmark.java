package org.onionmx.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.onionmx.deliver.DeliveryReport;
import org.onionmx.deliver.Envelope;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.jakarta.mail.OnionSmtp;
import org.onionmx.resolve.MapException;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;
import org.onionmx.testing.socks.FakeTorProxy;
import org.onionmx.tor.TorSocksConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Jakarta Mail adapter's overhead over the core: one message to one recipient at a pinned
 * domain, delivered into GreenMail through the fake Tor proxy on loopback, by {@code core} (the
 * resolver and {@link OnionMailer#deliver} called directly) and by {@code adapter} ({@code
 * sendMessage} on a connected {@code onion-smtp} transport configured by properties to the same map
 * and proxy). Both reuse one open onion session. Goal: {@code adapter} at most 5 % slower.
 *
 * <p>On a shared machine the JMH runs of the two methods, one after the other, see different load;
 * {@link #main} instead interleaves them in rounds in one JVM and reports the median per-round
 * ratio, which cancels drift: {@code java -cp benchmarks.jar
 * org.onionmx.bench.AdapterOverheadBenchmark [rounds] [messagesPerRound]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class AdapterOverheadBenchmark {
  private static final String ONION =
      "mx.25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  private static final String RECIPIENT = "bob@pinned.example";

  private GreenMail greenMail;
  private FakeTorProxy tor;
  private Path map;
  private OnionResolver resolver;
  private OnionMailer mailer;
  private Transport transport;
  private Session session;
  private MimeMessage message;
  private Envelope envelope;
  private Address[] recipients;

  /** Starts GreenMail and the proxy; builds the core pair and connects the transport. */
  @Setup(Level.Trial)
  public void setUp() throws IOException, MapException, MessagingException {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    tor = FakeTorProxy.start();
    tor.route(ONION, greenMail.getSmtp().getPort());
    map = Files.createTempFile("onion-map", ".yml");
    Files.writeString(map, "'" + ONION + "': [pinned.example]\n");

    resolver = OnionResolver.newBuilder().map(OnionMap.load(map)).srv(false).build();
    mailer =
        OnionMailer.newBuilder()
            .streamOpener(
                TorSocksConnector.newBuilder()
                    .proxy(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), tor.port())
                    .build())
            .build();

    Properties p = new Properties();
    p.setProperty("mail.onion-smtp.socks.host", "127.0.0.1");
    p.setProperty("mail.onion-smtp.socks.port", String.valueOf(tor.port()));
    p.setProperty("mail.onion-smtp.map", map.toString());
    p.setProperty("mail.onion-smtp.srv", "false");
    OnionSmtp.useForAllMail(p);
    p.setProperty("mail.from", "alice@sender.example");
    session = Session.getInstance(p);
    transport = session.getTransport(OnionSmtp.PROTOCOL);
    transport.connect();

    message = new MimeMessage(session);
    message.setFrom(new InternetAddress("alice@sender.example"));
    message.setSubject("benchmark");
    message.setText("a short message of a few words\r\n".repeat(20));
    message.setRecipients(jakarta.mail.Message.RecipientType.TO, RECIPIENT);
    message.saveChanges();
    message.setHeader("Message-ID", "<bench-1@sender.example>");
    envelope = Envelope.of("alice@sender.example", RECIPIENT);
    recipients = new Address[] {new InternetAddress(RECIPIENT)};
  }

  /** Empties GreenMail's mailboxes so that its storage does not grow across iterations. */
  @TearDown(Level.Iteration)
  public void purge() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    transport.close();
    OnionSmtp.shutdown();
    mailer.close();
    tor.close();
    greenMail.stop();
    Files.deleteIfExists(map);
  }

  /** The core, called directly: resolve the domain, deliver to the route. */
  @Benchmark
  public DeliveryReport core() {
    Resolution.Routed route = (Resolution.Routed) resolver.resolve("pinned.example");
    DeliveryReport report = mailer.deliver(route, envelope, message);
    if (!report.allAccepted()) {
      throw new IllegalStateException(report.toString());
    }
    return report;
  }

  /** The same through the Jakarta Mail transport. */
  @Benchmark
  public Transport adapter() throws MessagingException {
    transport.sendMessage(message, recipients);
    return transport;
  }

  /**
   * {@code Transport.send} per message: a new transport per call, on the stack the others share;
   * {@code saveChanges} included, as {@code Transport.send} does it.
   */
  @Benchmark
  public MimeMessage perCall() throws MessagingException {
    Transport.send(message);
    return message;
  }

  /** {@link #adapter()} with the {@code saveChanges} that {@link #perCall()} includes. */
  @Benchmark
  public MimeMessage savedAdapter() throws MessagingException {
    message.saveChanges();
    transport.sendMessage(message, recipients);
    return message;
  }

  /**
   * Interleaved rounds of both methods in one JVM; prints, per method, the median wall time and the
   * median CPU time of the sending thread per message (the client-side work, where the adapter's
   * overhead lives, less disturbed by other processes than wall time), and the median per-round
   * ratios.
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    AdapterOverheadBenchmark b = new AdapterOverheadBenchmark();
    b.setUp();
    try {
      for (int i = 0; i < 3000; i++) { // warm-up: JIT, pools, GreenMail's user
        b.core();
        b.adapter();
        b.perCall();
        b.savedAdapter();
      }
      double[][] core = new double[2][rounds];
      double[][] adapter = new double[2][rounds];
      for (int r = 0; r < rounds; r++) {
        b.purge();
        for (int k = 0; k < 2; k++) {
          boolean coreTurn = (r + k) % 2 == 0;
          double[][] into = coreTurn ? core : adapter;
          long wall = System.nanoTime();
          long cpu = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < perRound; i++) {
            if (coreTurn) {
              b.core();
            } else {
              b.adapter();
            }
          }
          into[0][r] = (System.nanoTime() - wall) / 1000.0 / perRound;
          into[1][r] = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / perRound;
        }
      }
      System.out.printf("rounds=%d messages/round/method=%d%n", rounds, perRound);
      String[] what = {"wall time", "sender CPU"};
      for (int m = 0; m < 2; m++) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = adapter[m][r] / core[m][r];
        }
        System.out.printf(
            "%-10s core %.1f us/message, adapter %.1f us/message (medians); adapter/core per"
                + " round: median %.3f, quartiles %.3f..%.3f -> overhead %+.1f %%;"
                + " fastest 10 %% of rounds: core %.1f, adapter %.1f -> overhead %+.1f %%%n",
            what[m],
            median(core[m]),
            median(adapter[m]),
            median(ratio),
            quantile(ratio, 0.25),
            quantile(ratio, 0.75),
            (median(ratio) - 1) * 100,
            quantile(core[m], 0.1),
            quantile(adapter[m], 0.1),
            (quantile(adapter[m], 0.1) / quantile(core[m], 0.1) - 1) * 100);
      }
      double[][] saved = new double[2][rounds];
      double[][] perCall = new double[2][rounds];
      for (int r = 0; r < rounds; r++) {
        b.purge();
        for (int k = 0; k < 2; k++) {
          boolean savedTurn = (r + k) % 2 == 0;
          double[][] into = savedTurn ? saved : perCall;
          long wall = System.nanoTime();
          long cpu = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < perRound; i++) {
            if (savedTurn) {
              b.savedAdapter();
            } else {
              b.perCall();
            }
          }
          into[0][r] = (System.nanoTime() - wall) / 1000.0 / perRound;
          into[1][r] = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / perRound;
        }
      }
      for (int m = 0; m < 2; m++) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = perCall[m][r] / saved[m][r];
        }
        System.out.printf(
            "%-10s connected+saveChanges %.1f us/message, Transport.send per call %.1f us/message"
                + " (medians); per call/connected per round: median %.3f -> %+.1f %%%n",
            what[m], median(saved[m]), median(perCall[m]), median(ratio), (median(ratio) - 1) * 100);
      }
    } finally {
      b.tearDown();
    }
  }

  private static double median(double[] values) {
    return quantile(values, 0.5);
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(q * (sorted.length - 1))];
  }
}
