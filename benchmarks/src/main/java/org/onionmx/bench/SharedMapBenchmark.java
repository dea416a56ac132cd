package org.onionmx.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.onionmx.jakarta.mail.OnionSmtp;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * What a big map costs {@code Transport.send} callers: a map of N domains (default 1,000,000) given
 * as {@code mail.onion-smtp.map}, then {@code Transport.send} per message, each a new transport. It
 * prints the time of the first send (which reads the map), the later sends' median and maximum, and
 * the used heap after a full GC before the first send, after it and after all of them: the map is
 * read once and held once, however many transports come and go. Every message goes to the map's
 * last domain, so its session is reused; GreenMail keeps what it received, a little heap per
 * message.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * org.onionmx.bench.SharedMapBenchmark [domains [sends]]}. Not a test.
 */
public final class SharedMapBenchmark {
  private SharedMapBenchmark() {}

  /** Generates the map, sends, prints the numbers. */
  public static void main(String[] args) throws Exception {
    int domains = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int sends = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Files.createTempDirectory("onionmx-shared-map");
    Path yaml = dir.resolve("map.yml");
    Path postfix = dir.resolve("map.postfix");
    MapLoadBenchmark.generate(domains, 4, yaml, postfix);
    Files.delete(yaml);
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    greenMail.start();
    try (FakeTorProxy tor = FakeTorProxy.start()) {
      tor.defaultRoute(greenMail.getSmtp().getPort());
      Properties p = OnionSmtp.useForAllMail(new Properties());
      p.setProperty("mail.onion-smtp.socks.host", "127.0.0.1");
      p.setProperty("mail.onion-smtp.socks.port", String.valueOf(tor.port()));
      p.setProperty("mail.onion-smtp.map", postfix.toString());
      p.setProperty("mail.onion-smtp.srv", "false");
      p.setProperty("mail.from", "alice@sender.example");
      Session session = Session.getInstance(p);
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

      int last = domains - 1; // the map's last line: the whole file must have been read
      String domain = "mail-" + Integer.toString(last, 36) + ".example" + (last % 97) + ".org";
      long before = usedAfterGc(memory);
      long[] millis = new long[sends];
      long heapAfterFirst = 0;
      for (int i = 0; i < sends; i++) {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@sender.example"));
        m.setRecipients(Message.RecipientType.TO, "user" + i + "@" + domain);
        m.setText("x");
        long t0 = System.nanoTime();
        Transport.send(m);
        millis[i] = (System.nanoTime() - t0) / 1_000_000;
        if (i == 0) {
          heapAfterFirst = usedAfterGc(memory);
        }
      }
      long after = usedAfterGc(memory);
      if (greenMail.getReceivedMessages().length != sends) {
        throw new IllegalStateException(
            "received " + greenMail.getReceivedMessages().length + " of " + sends);
      }
      long[] later = Arrays.copyOfRange(millis, 1, sends);
      Arrays.sort(later);
      System.out.printf(
          "map of %,d domains (%,d bytes, Postfix form), %d Transport.send calls%n",
          domains, Files.size(postfix), sends);
      System.out.printf("first send (reads the map): %d ms%n", millis[0]);
      System.out.printf(
          "later sends: median %d ms, max %d ms%n", later[later.length / 2], later[later.length - 1]);
      System.out.printf(
          "used heap after GC: before %d MB, after the first send %d MB (+%d MB: the map),"
              + " after all %d MB (+%d MB since the first)%n",
          before >> 20,
          heapAfterFirst >> 20,
          (heapAfterFirst - before) >> 20,
          after >> 20,
          (after - heapAfterFirst) >> 20);
      OnionSmtp.shutdown();
    } finally {
      greenMail.stop();
      Files.deleteIfExists(postfix);
      Files.deleteIfExists(dir);
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
