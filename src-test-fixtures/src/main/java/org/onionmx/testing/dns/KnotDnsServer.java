package org.onionmx.testing.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.onionmx.testing.Processes;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Debian's Knot DNS ({@code knotd}) on 127.0.0.1, UDP and TCP, serving the DNSSEC-signed test zone
 * {@value #ZONE} with fresh keys, for integration tests of DNSSEC-validated SRV look-ups.
 *
 * <p>Names under {@code _onion-mx._tcp.<label>.onionmx.test.} ({@link #srvName}):
 *
 * <ul>
 *   <li>{@code good}: signed SRV {@code 10 60 25 25njq…sid.onion.} and {@code 20 0 2525
 *       aj3n…sid.onion.};
 *   <li>{@code noservice} ({@code 0 0 0 .}), {@code notonion} ({@code mail.example.com.}), {@code
 *       v2} (a 16-character onion), all signed;
 *   <li>{@code nodata} (a TXT only) and {@code nxdomain} (nothing): signed denials, SOA minimum
 *       300;
 *   <li>{@code insecure}: an unsigned child zone (no DS in the parent) with an SRV;
 *   <li>{@code bogus}: a signed child whose parent DS does not match its key;
 *   <li>{@code badsig}: a signed child whose SRV was changed after signing.
 * </ul>
 *
 * <p>A test adds records of its own, known only at run time (say an SRV record pointing at the
 * onion of a private Tor network), with {@link Builder#record(String)}; knotd signs them with the
 * rest of {@value #ZONE}.
 *
 * <p>{@link #trustAnchorDs()} and {@link #trustAnchorDnskey()} give the anchor for {@value #ZONE}
 * (a private TLD: no root above it). Everything lives in a temporary directory that {@link
 * #close()} deletes, after stopping the one {@code knotd} process this instance started. Needs
 * {@code knotd} and {@code keymgr} (Debian package {@code knot}); starting fails, never skips,
 * without them.
 */
public final class KnotDnsServer implements AutoCloseable {
  /** The signed parent zone. */
  public static final String ZONE = "onionmx.test.";

  private static final String KNOT_HINT = "Debian: apt-get install -y knot";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  /** The children of {@value #ZONE} that are delegated: records below them are not in the zone. */
  private static final List<String> DELEGATED = List.of("insecure", "bogus", "badsig");

  private final Path dir;
  private final Process knotd;
  private final InetSocketAddress address;
  private final String anchorDs;
  private final String anchorDnskey;

  private KnotDnsServer(
      Path dir, Process knotd, InetSocketAddress address, String anchorDs, String anchorDnskey) {
    this.dir = dir;
    this.knotd = knotd;
    this.address = address;
    this.anchorDs = anchorDs;
    this.anchorDnskey = anchorDnskey;
  }

  /**
   * Starts a server with the fixed test zone only; the same as {@code newBuilder().start()}.
   *
   * @throws IllegalStateException if {@code knotd} or {@code keymgr} is not installed
   * @throws IOException if the server cannot be set up or does not come up in time
   */
  public static KnotDnsServer start() throws IOException {
    return newBuilder().start();
  }

  /** A builder for a server whose signed zone also carries records the test adds. */
  public static Builder newBuilder() {
    return new Builder();
  }

  private static KnotDnsServer start(
      Path dir, String knotdBin, String keymgrBin, List<Record> extra) throws IOException {
    Files.createDirectories(dir.resolve("db"));
    Files.createDirectories(dir.resolve("zones"));
    int port = freePort();
    Path conf = dir.resolve("knot.conf");
    Files.writeString(conf, config(dir, port));

    Processes.run(
        dir,
        null,
        keymgrBin,
        "-c",
        conf.toString(),
        ZONE,
        "generate",
        "algorithm=ecdsap256sha256",
        "ksk=yes",
        "zsk=yes");
    Processes.run(
        dir,
        null,
        keymgrBin,
        "-c",
        conf.toString(),
        "bogus." + ZONE,
        "generate",
        "algorithm=ecdsap256sha256",
        "ksk=yes",
        "zsk=yes");

    String bogusDs =
        corrupt(
            sha256Ds(
                Processes.run(dir, null, keymgrBin, "-c", conf.toString(), "bogus." + ZONE, "ds")));
    BadSignatureZone.Signed badsig = BadSignatureZone.create(Instant.now());
    String parent =
        resource("onionmx.test.zone")
            .replace("@BOGUS_DS@", bogusDs)
            .replace("@BADSIG_DS@", badsig.dsRdata())
            + extraRecords(extra);
    Path zones = dir.resolve("zones");
    Files.writeString(zones.resolve("onionmx.test.zone"), parent);
    Files.writeString(
        zones.resolve("insecure.onionmx.test.zone"), resource("insecure.onionmx.test.zone"));
    Files.writeString(
        zones.resolve("bogus.onionmx.test.zone"), resource("bogus.onionmx.test.zone"));
    Files.writeString(zones.resolve("badsig.onionmx.test.zone"), badsig.zoneText());

    String ds =
        ZONE
            + " 3600 IN DS "
            + sha256Ds(Processes.run(dir, null, keymgrBin, "-c", conf.toString(), ZONE, "ds"));
    String dnskey =
        dnskey(Processes.run(dir, null, keymgrBin, "-c", conf.toString(), ZONE, "dnskey"));

    Path log = dir.resolve("knotd.out");
    Process p =
        new ProcessBuilder(knotdBin, "-c", conf.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Processes.nullFile()))
            .start();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    KnotDnsServer server = new KnotDnsServer(dir, p, address, ds + "\n", dnskey + "\n");
    try {
      server.awaitReady(dnskey);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** 127.0.0.1 and the server's port (UDP and TCP). */
  public InetSocketAddress address() {
    return address;
  }

  /** The server's port. */
  public int port() {
    return address.getPort();
  }

  /** The trust anchor of {@value #ZONE} as a DS record in master-file form. */
  public String trustAnchorDs() {
    return anchorDs;
  }

  /** The trust anchor of {@value #ZONE} as a DNSKEY record in master-file form. */
  public String trustAnchorDnskey() {
    return anchorDnskey;
  }

  /** The mail domain of a test case: {@code <label>.onionmx.test}. */
  public static String domain(String label) {
    return label + "." + ZONE.substring(0, ZONE.length() - 1);
  }

  /** The SRV owner of a test case: {@code _onion-mx._tcp.<label>.onionmx.test.}. */
  public static String srvName(String label) {
    return "_onion-mx._tcp." + label + "." + ZONE;
  }

  /** Stops the {@code knotd} this instance started and deletes its directory. */
  @Override
  public void close() {
    knotd.destroy();
    try {
      if (!knotd.waitFor(5, TimeUnit.SECONDS)) {
        knotd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      knotd.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Processes.deleteTree(dir);
  }

  private void awaitReady(String dnskey) throws IOException {
    String key = dnskey.substring(dnskey.lastIndexOf(' ') + 1);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!knotd.isAlive()) {
        throw new IOException("knotd exited with " + knotd.exitValue() + ": " + logTail());
      }
      if (servesKey(false, key) && servesKey(true, key) && servesBogusChild()) {
        return;
      }
      sleep(50);
    }
    throw new IOException("knotd did not answer on " + address + " in time: " + logTail());
  }

  private boolean servesKey(boolean tcp, String key) {
    Message m = ask(ZONE, Type.DNSKEY, tcp);
    if (m == null || m.getRcode() != Rcode.NOERROR) {
      return false;
    }
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r.getType() == Type.DNSKEY && r.rdataToString().replace(" ", "").contains(key)) {
        return true;
      }
    }
    return false;
  }

  private boolean servesBogusChild() {
    Message m = ask("bogus." + ZONE, Type.DNSKEY, true);
    if (m == null) {
      return false;
    }
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r instanceof RRSIGRecord) {
        return true;
      }
    }
    return false;
  }

  private Message ask(String name, int type, boolean tcp) {
    try {
      SimpleResolver r = new SimpleResolver(address);
      r.setTCP(tcp);
      r.setTimeout(Duration.ofMillis(500));
      r.setEDNS(0, 0, org.xbill.DNS.ExtendedFlags.DO);
      return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    } catch (IOException e) {
      return null;
    }
  }

  private String logTail() {
    StringBuilder sb = new StringBuilder();
    for (String f : List.of("knotd.out", "knotd.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(f));
        sb.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      } catch (IOException ignored) {
        // no such log yet
      }
    }
    return sb.toString();
  }

  private static String config(Path dir, int port) {
    String run = dir.toString();
    return String.join(
        "\n",
        "server:",
        "    rundir: \"" + run + "\"",
        "    pidfile: \"" + run + "/knotd.pid\"",
        "    listen: [ 127.0.0.1@" + port + " ]",
        "    udp-workers: 1",
        "    tcp-workers: 1",
        "    background-workers: 1",
        "control:",
        "    listen: \"" + run + "/knot.sock\"",
        "log:",
        "  - target: \"" + run + "/knotd.log\"",
        "    any: info",
        "database:",
        "    storage: \"" + run + "/db\"",
        "policy:",
        "  - id: test",
        "    manual: on",
        "    algorithm: ecdsap256sha256",
        "    nsec3: off",
        "    dnskey-ttl: 300",
        "    zone-max-ttl: 3600",
        "    rrsig-lifetime: 30d",
        "    rrsig-refresh: 7d",
        "    cds-cdnskey-publish: none",
        "template:",
        "  - id: default",
        "    storage: \"" + run + "/zones\"",
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "    serial-policy: increment",
        "zone:",
        "  - domain: onionmx.test.",
        "    file: \"" + run + "/zones/onionmx.test.zone\"",
        "    dnssec-signing: on",
        "    dnssec-policy: test",
        "  - domain: insecure.onionmx.test.",
        "    file: \"" + run + "/zones/insecure.onionmx.test.zone\"",
        "  - domain: bogus.onionmx.test.",
        "    file: \"" + run + "/zones/bogus.onionmx.test.zone\"",
        "    dnssec-signing: on",
        "    dnssec-policy: test",
        "  - domain: badsig.onionmx.test.",
        "    file: \"" + run + "/zones/badsig.onionmx.test.zone\"",
        "");
  }

  /** The rdata ({@code tag alg 2 HEX}) of the SHA-256 DS line in keymgr's {@code ds} output. */
  private static String sha256Ds(String keymgrOutput) throws IOException {
    for (String line : keymgrOutput.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[1].equals("DS") && f[4].equals("2")) {
        StringBuilder digest = new StringBuilder();
        for (int i = 5; i < f.length; i++) {
          digest.append(f[i]);
        }
        return f[2] + " " + f[3] + " 2 " + digest.toString().toUpperCase(Locale.ROOT);
      }
    }
    throw new IOException("keymgr printed no SHA-256 DS record: " + keymgrOutput);
  }

  /** The same DS with the first digest digit changed: right key tag, wrong digest. */
  private static String corrupt(String dsRdata) {
    int digest = dsRdata.lastIndexOf(' ') + 1;
    char first = dsRdata.charAt(digest);
    return dsRdata.substring(0, digest)
        + (first == '0' ? '1' : '0')
        + dsRdata.substring(digest + 1);
  }

  private static String dnskey(String keymgrOutput) throws IOException {
    for (String line : keymgrOutput.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[1].equals("DNSKEY")) {
        StringBuilder key = new StringBuilder();
        for (int i = 5; i < f.length; i++) {
          key.append(f[i]);
        }
        return f[0] + " 3600 IN DNSKEY " + f[2] + " " + f[3] + " " + f[4] + " " + key;
      }
    }
    throw new IOException("keymgr printed no DNSKEY record: " + keymgrOutput);
  }

  /** A port free for both UDP and TCP on 127.0.0.1 right now. */
  private static int freePort() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; i < 20; i++) {
      try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0));
          ServerSocket t = new ServerSocket()) {
        t.setReuseAddress(true);
        t.bind(new InetSocketAddress(lo, u.getLocalPort()));
        return u.getLocalPort();
      } catch (IOException e) {
        // taken for TCP: try another
      }
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = KnotDnsServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String extraRecords(List<Record> extra) {
    StringBuilder sb = new StringBuilder("\n; records added by the test\n");
    for (Record r : extra) {
      sb.append(r).append('\n');
    }
    return sb.toString();
  }

  /** Configures and starts a {@link KnotDnsServer}. Not thread-safe. */
  public static final class Builder {
    private final List<Record> records = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a record to the signed zone {@value #ZONE}, in master-file form; a name without a
     * final dot is relative to {@value #ZONE}, and the TTL defaults to 3600. For example {@code
     * "_onion-mx._tcp.tor 300 IN SRV 0 5 25 <56 characters>.onion."}, which serves mail domain
     * {@code domain("tor")}.
     *
     * @throws IllegalArgumentException if the line is not exactly one record, or its name is not
     *     below {@value #ZONE} or lies under a delegated child ({@code insecure}, {@code bogus},
     *     {@code badsig})
     */
    public Builder record(String masterFileLine) {
      Objects.requireNonNull(masterFileLine, "masterFileLine");
      Name zone = Name.fromConstantString(ZONE);
      List<Record> parsed = new ArrayList<>();
      try (Master m =
          new Master(
              new ByteArrayInputStream(masterFileLine.getBytes(StandardCharsets.UTF_8)),
              zone,
              3600)) {
        for (Record r = m.nextRecord(); r != null; r = m.nextRecord()) {
          parsed.add(r);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "not a master-file record: '" + masterFileLine + "': " + e.getMessage(), e);
      }
      if (parsed.size() != 1) {
        throw new IllegalArgumentException(
            "expected one record, got " + parsed.size() + ": '" + masterFileLine + "'");
      }
      Record r = parsed.get(0);
      if (!r.getName().subdomain(zone) || r.getName().equals(zone)) {
        throw new IllegalArgumentException(r.getName() + " is not below " + ZONE);
      }
      for (String child : DELEGATED) {
        if (r.getName().subdomain(Name.fromConstantString(child + "." + ZONE))) {
          throw new IllegalArgumentException(
              r.getName() + " lies under the delegated child " + child + "." + ZONE);
        }
      }
      records.add(r);
      return this;
    }

    /**
     * Generates keys, writes and signs the zones and starts {@code knotd} on a free port; returns
     * once it answers with the new keys over UDP and TCP.
     *
     * @throws IllegalStateException if {@code knotd} or {@code keymgr} is not installed
     * @throws IOException if the server cannot be set up or does not come up in time
     */
    public KnotDnsServer start() throws IOException {
      String knotdBin = Processes.binary("knotd", KNOT_HINT);
      String keymgrBin = Processes.binary("keymgr", KNOT_HINT);
      Path dir = Files.createTempDirectory("knot-dns-");
      try {
        return KnotDnsServer.start(dir, knotdBin, keymgrBin, List.copyOf(records));
      } catch (IOException | RuntimeException e) {
        Processes.deleteTree(dir);
        throw e;
      }
    }
  }
}
