package org.onionmx.jakarta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watches delivery from outside the JVM, where a leak cannot hide: each mode of {@link LeakProbe}
 * runs in a child JVM inside a fresh network namespace that has only a loopback interface, whose
 * {@code resolv.conf} names 127.0.0.1 (where the probe's logging DNS server listens on port 53),
 * whose host name is {@value #HOST} (in no {@code /etc/hosts}, so a look-up of the machine's own
 * name reaches that server too), and under {@code strace}, which records every {@code connect} the
 * JVM makes. So every system-resolver question is logged, and every connection, whether it
 * succeeded or not, is seen with its destination.
 *
 * <p>Needs root, {@code ip} (iproute2), {@code unshare} (util-linux) and {@code strace}; without
 * them it fails, it does not skip. {@code .ci/run} runs it as root.
 */
class LeakHarnessIT {
  static final String HOST = "leak-probe-host";
  private static final String NS = "onionmx-leak-" + ProcessHandle.current().pid();
  private static final Path NETNS_ETC = Path.of("/etc/netns", NS);
  private static final Pattern INET =
      Pattern.compile(
          "connect\\(\\d+, \\{sa_family=AF_INET6?, sin6?_port=htons\\((\\d+)\\)"
              + ".*?(?:inet_addr|inet_pton\\(AF_INET6?, )\\(?\"([^\"]+)\"");
  private static final Pattern UNIX =
      Pattern.compile(
          "connect\\(\\d+, \\{sa_family=AF_UNIX, sun_path=\"([^\"]+)\".*\\) = (-?\\d+)");

  /** One connect(2) to an IP address. */
  record Connect(String address, int port) {}

  /** What one probe run saw. */
  record Run(
      String mode,
      int socksPort,
      int sinkPort,
      int dnsPort,
      List<String> systemDns,
      List<String> configuredDns,
      List<String> socks,
      int delivered,
      List<String> outcomes,
      List<Connect> connects,
      List<String> unixConnects) {

    List<Connect> connectsTo(int port) {
      return connects.stream().filter(c -> c.port() == port).toList();
    }

    /** System-resolver questions whose name is a .onion name. */
    List<String> onionQueries() {
      return Stream.concat(systemDns.stream(), configuredDns.stream())
          .filter(q -> q.split(" ")[0].endsWith(".onion"))
          .toList();
    }

    List<String> systemQueriesFor(String domain) {
      return systemDns.stream()
          .filter(q -> q.split(" ")[0].equals(domain) || q.split(" ")[0].endsWith("." + domain))
          .toList();
    }

    @Override
    public String toString() {
      return mode
          + ": system DNS "
          + systemDns
          + ", configured DNS "
          + configuredDns
          + ", SOCKS "
          + socks
          + ", delivered "
          + delivered
          + ", outcomes "
          + outcomes
          + ", connects "
          + connects
          + ", unix "
          + unixConnects;
    }
  }

  @BeforeAll
  static void createNamespace() throws Exception {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      fail("the leak harness needs Linux network namespaces; this is " + os);
    }
    String uid = exec(List.of("id", "-u")).strip();
    if (!uid.equals("0")) {
      fail("the leak harness needs root for `ip netns add` (uid is " + uid + "); run .ci/run");
    }
    for (String tool : List.of("ip", "unshare", "strace")) {
      if (which(tool) == null) {
        fail(tool + " is not installed: the leak harness needs iproute2, util-linux and strace");
      }
    }
    exec(List.of(which("ip"), "netns", "add", NS));
    Files.createDirectories(NETNS_ETC);
    Files.writeString(
        NETNS_ETC.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    exec(List.of(which("ip"), "netns", "exec", NS, "ip", "link", "set", "lo", "up"));
    String links = exec(List.of(which("ip"), "netns", "exec", NS, "ip", "-o", "link"));
    assertEquals(1, links.strip().lines().count(), "the namespace has loopback only: " + links);
  }

  @AfterAll
  static void deleteNamespace() throws Exception {
    if (which("ip") != null) {
      new ProcessBuilder(which("ip"), "netns", "del", NS).inheritIO().start().waitFor();
    }
    if (Files.isDirectory(NETNS_ETC)) {
      try (Stream<Path> files = Files.walk(NETNS_ETC)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void coreMailerWithPinnedMapAsksNoResolverAndConnectsOnlyToTor() throws Exception {
    Run run = probe("core-map");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.systemDns(), "system resolver questions: " + run);
    assertEquals(List.of(), run.configuredDns(), run::toString);
    assertOnlyTorConnections(run, Set.of());
  }

  @Test
  void coreMailerSavingAPlainMessageAsksTheSystemResolverOnlyForTheMachinesOwnName()
      throws Exception {
    Run run = probe("core-map-plain-message");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.onionQueries(), run::toString);
    for (String d : List.of(LeakProbe.PINNED, LeakProbe.UNMAPPED)) {
      assertEquals(List.of(), run.systemQueriesFor(d), run::toString);
    }
    // Saving a MimeMessage of a Session without mail.from or mail.host makes Jakarta Mail build a
    // Message-ID from InetAddress.getLocalHost(): the question docs/security-model.md warns of.
    // newMessage() (core-map above) avoids it; the ID itself never leaves (MessageIds).
    assertFalse(
        run.systemDns().isEmpty(), () -> "the documented host look-up was not seen: " + run);
    assertEquals(List.of(), otherThanHost(run.systemDns()), run::toString);
    assertOnlyTorConnections(run, Set.of(53));
  }

  @Test
  void jakartaProviderOnionOnlyWithPinnedMapAsksNothingAboutRecipientsOrOnions() throws Exception {
    Run run = probe("jakarta-map");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.onionQueries(), run::toString);
    for (String d : List.of(LeakProbe.PINNED, LeakProbe.UNMAPPED)) {
      assertEquals(List.of(), run.systemQueriesFor(d), run::toString);
    }
    // Transport.send saves the message first, and Jakarta Mail's Message-ID then names the local
    // host (InetAddress.getLocalHost) unless the session sets mail.from or mail.host: the only
    // question the system resolver may see here is for the machine's own name.
    assertEquals(List.of(), otherThanHost(run.systemDns()), run::toString);
    assertOnlyTorConnections(run, Set.of(53));
  }

  @Test
  void jakartaProviderWithMailFromAsksTheSystemResolverNothingAtAll() throws Exception {
    Run run = probe("jakarta-map-mail-from");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.systemDns(), run::toString);
    assertOnlyTorConnections(run, Set.of());
  }

  @Test
  void jakartaProviderWithSrvAsksOnlyTheConfiguredServerAndNeverForOnions() throws Exception {
    Run run = probe("jakarta-srv");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.onionQueries(), run::toString);
    assertTrue(
        run.configuredDns().contains("_onion-mx._tcp." + LeakProbe.SRV + " SRV"), run::toString);
    for (String d : List.of(LeakProbe.SRV, LeakProbe.UNMAPPED)) {
      assertEquals(List.of(), run.systemQueriesFor(d), run::toString);
    }
    assertEquals(List.of(), otherThanHost(run.systemDns()), run::toString);
    assertOnlyTorConnections(run, Set.of(53, run.dnsPort()));
  }

  @Test
  void jakartaProviderWithSrvOverTorConnectsOnlyToTorAndAsksTheSystemNothing() throws Exception {
    Run run = probe("jakarta-srv-over-tor");

    assertEquals(2, run.delivered(), run::toString);
    assertEquals(List.of(), run.systemDns(), run::toString);
    assertTrue(
        run.configuredDns().contains("_onion-mx._tcp." + LeakProbe.SRV + " SRV"), run::toString);
    assertEquals(List.of(), run.onionQueries(), run::toString);
    // The DNS server is reached only by the proxy, once per SOCKS CONNECT to it: the resolver
    // itself made no connection but to the SOCKS port.
    String dnsDestination = "127.0.0.1:" + run.dnsPort();
    long viaTor = run.socks().stream().filter(dnsDestination::equals).count();
    assertTrue(viaTor >= 1, run::toString);
    assertEquals(viaTor, run.connectsTo(run.dnsPort()).size(), run::toString);
    for (Connect c : run.connects()) {
      assertTrue(
          c.port() == run.socksPort() || c.port() == run.sinkPort() || c.port() == run.dnsPort(),
          () -> "a connection that is not to Tor's SOCKS port: " + c + " in " + run);
    }
    assertEquals(
        run.socks().size() - viaTor,
        run.connectsTo(run.sinkPort()).size(),
        () -> "only the proxy connects to the sink, once per CONNECT: " + run);
    assertEquals(List.of(), run.unixConnects(), "a name service socket answered: " + run);
  }

  /** The control: the harness must see the leak that Angus Mail's own SOCKS support makes. */
  @Test
  void harnessSeesAngusSocksPathLookUpTheOnionName() throws Exception {
    Run run = probe("angus-socks");

    assertFalse(run.onionQueries().isEmpty(), () -> "the harness saw no leak: " + run);
    assertTrue(run.systemDns().contains(LeakProbe.MX + " A"), run::toString);
    assertFalse(run.connectsTo(53).isEmpty(), () -> "strace saw no resolver connect: " + run);
  }

  /**
   * Every connect went to the SOCKS port, to the sink (only the proxy's forwarding: one per CONNECT
   * it received), or to one of {@code alsoAllowed} (the system resolver on 53, a configured DNS
   * server); all to loopback; no name service socket answered.
   */
  private static void assertOnlyTorConnections(Run run, Set<Integer> alsoAllowed) {
    for (Connect c : run.connects()) {
      assertTrue(
          c.address().equals("127.0.0.1") || c.address().equals("::ffff:127.0.0.1"),
          () -> "a connection left loopback: " + c + " in " + run);
      assertTrue(
          c.port() == run.socksPort()
              || c.port() == run.sinkPort()
              || alsoAllowed.contains(c.port()),
          () -> "a connection that is not to Tor's SOCKS port: " + c + " in " + run);
    }
    assertEquals(
        run.socks().size(),
        run.connectsTo(run.sinkPort()).size(),
        () -> "only the proxy connects to the sink, once per CONNECT: " + run);
    assertFalse(run.connectsTo(run.socksPort()).isEmpty(), run::toString);
    assertEquals(List.of(), run.unixConnects(), "a name service socket answered: " + run);
  }

  private static List<String> otherThanHost(List<String> queries) {
    return queries.stream().filter(q -> !q.split(" ")[0].equals(HOST)).toList();
  }

  private static Run probe(String mode) throws Exception {
    Path trace = Files.createTempFile("leak-" + mode, ".strace");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            which("ip"),
            "netns",
            "exec",
            NS,
            which("unshare"),
            "--uts",
            "sh",
            "-c",
            "hostname " + HOST + " && exec \"$@\"",
            "sh",
            which("strace"),
            "-f",
            "-qq",
            "--seccomp-bpf",
            "-e",
            "trace=connect",
            "-o",
            trace.toString(),
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            LeakProbe.class.getName(),
            mode);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output;
    try (var in = p.getInputStream()) {
      output = in.readAllBytes();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("the probe " + mode + " did not finish in 60 s");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || !text.contains("\nEND")) {
      fail("the probe " + mode + " failed (exit " + p.exitValue() + "):\n" + text);
    }
    Run run = parse(mode, text, Files.readAllLines(trace));
    Files.delete(trace);
    System.out.println(run);
    return run;
  }

  private static Run parse(String mode, String output, List<String> trace) {
    int socks = 0;
    int sink = 0;
    int dns = 0;
    int delivered = -1;
    List<String> system = new ArrayList<>();
    List<String> configured = new ArrayList<>();
    List<String> connects = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    for (String line : output.lines().toList()) {
      String[] w = line.split(" ", 2);
      String rest = w.length > 1 ? w[1] : "";
      switch (w[0]) {
        case "PORTS" -> {
          Matcher m = Pattern.compile("socks=(\\d+) sink=(\\d+) dns=(\\d+)").matcher(rest);
          assertTrue(m.matches(), line);
          socks = Integer.parseInt(m.group(1));
          sink = Integer.parseInt(m.group(2));
          dns = Integer.parseInt(m.group(3));
        }
        case "SYSTEM-DNS" -> system.add(rest);
        case "CONFIGURED-DNS" -> configured.add(rest);
        case "SOCKS" -> connects.add(rest);
        case "DELIVERED" -> delivered = Integer.parseInt(rest);
        case "OUTCOME" -> outcomes.add(rest);
        default -> {}
      }
    }
    List<Connect> inet = new ArrayList<>();
    List<String> unix = new ArrayList<>();
    for (String line : trace) {
      Matcher m = INET.matcher(line);
      if (m.find()) {
        inet.add(new Connect(m.group(2), Integer.parseInt(m.group(1))));
        continue;
      }
      Matcher u = UNIX.matcher(line);
      if (u.find() && u.group(2).equals("0")) {
        unix.add(u.group(1)); // a name service (nscd) or bus that answered: outside the namespace
      }
    }
    return new Run(
        mode, socks, sink, dns, system, configured, connects, delivered, outcomes, inet, unix);
  }

  private static String which(String tool) {
    for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
      File f = new File(dir, tool);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
