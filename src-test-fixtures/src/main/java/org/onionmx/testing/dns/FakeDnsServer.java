package org.onionmx.testing.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on 127.0.0.1 for tests, UDP and TCP on one ephemeral port, that
 * answers from records given to it (dnsjava's wire format) and records every query it receives, so
 * a test can assert that no query was made.
 *
 * <p>Answers: the records of the asked name and type (NOERROR, AA), following CNAMEs; NODATA with
 * the SOA when the name has other records (or names below it); else NXDOMAIN with the SOA. The SOA
 * (by default a root SOA with TTL and minimum 300, see {@link #soaRecord}) gives resolvers their
 * negative TTL. Over UDP an answer larger than the client's EDNS size (512 without EDNS) is
 * truncated with TC, as real servers do. {@link DnsFault}s per name add delays, error rcodes,
 * truncation and silence.
 *
 * <p>Thread-safe: a thread for each transport and a pool that answers, so delayed answers do not
 * hold up others. {@link #close()} closes both sockets and stops every thread.
 */
public final class FakeDnsServer implements AutoCloseable {
  /** The transport a query came over. */
  public enum Transport {
    UDP,
    TCP
  }

  /**
   * A query the server received.
   *
   * @param name the query name, lower case, without the trailing dot ({@code .} for the root)
   * @param type the query type's mnemonic, such as {@code SRV}
   * @param transport how it came
   */
  public record Query(String name, String type, Transport transport) {}

  private static final int MAX_UDP = 65_535;
  private static final int BIND_ATTEMPTS = 20;
  private static final int MAX_CNAME_HOPS = 8;

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final InetSocketAddress address;
  private final ExecutorService threads;
  private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
  private final Map<Name, DnsFault> faults = new ConcurrentHashMap<>();
  private volatile DnsFault defaultFault = DnsFault.answer();
  private volatile SOARecord soa;
  private final List<Query> queries = new CopyOnWriteArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FakeDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.address = new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    this.soa = soaRecord(300);
    AtomicInteger n = new AtomicInteger();
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-dns-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::udpLoop);
    threads.execute(this::acceptLoop);
  }

  /**
   * Starts a server on 127.0.0.1, UDP and TCP on the same free port.
   *
   * @throws IOException if no port is free for both
   */
  public static FakeDnsServer start() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    IOException last = null;
    for (int i = 0; i < BIND_ATTEMPTS; i++) {
      DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, 0));
      try {
        ServerSocket t = new ServerSocket();
        try {
          t.bind(new InetSocketAddress(lo, u.getLocalPort()), 50);
          return new FakeDnsServer(u, t);
        } catch (IOException e) {
          t.close();
          throw e;
        }
      } catch (BindException e) {
        u.close();
        last = e;
      } catch (IOException | RuntimeException e) {
        u.close();
        throw e;
      }
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1", last);
  }

  /**
   * Starts a server on 127.0.0.1, UDP and TCP on {@code port}: port 53 makes it the system resolver
   * of a network namespace whose {@code resolv.conf} names {@code 127.0.0.1}.
   *
   * @throws IOException if the port cannot be bound for both
   * @throws IllegalArgumentException if {@code port} is not 1-65535
   */
  public static FakeDnsServer start(int port) throws IOException {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not 1-65535");
    }
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    DatagramSocket u = new DatagramSocket(at);
    try {
      ServerSocket t = new ServerSocket();
      try {
        t.bind(at, 50);
        return new FakeDnsServer(u, t);
      } catch (IOException | RuntimeException e) {
        t.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      u.close();
      throw e;
    }
  }

  /** The port, the same for UDP and TCP. */
  public int port() {
    return address.getPort();
  }

  /** 127.0.0.1 and {@link #port()}. */
  public InetSocketAddress address() {
    return address;
  }

  /** Adds records to answer with. */
  public FakeDnsServer add(Record... rs) {
    for (Record r : rs) {
      records.computeIfAbsent(r.getName(), k -> new CopyOnWriteArrayList<>()).add(r);
    }
    return this;
  }

  /**
   * Adds records in master-file form, one per line, with absolute names, such as {@code
   * _onion-mx._tcp.example.com. 300 IN SRV 0 5 25 x.onion.}.
   *
   * @throws IllegalArgumentException if a line cannot be parsed
   */
  public FakeDnsServer add(String... lines) {
    String text = String.join("\n", lines) + "\n";
    try (Master m =
        new Master(
            new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        add(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse records: " + e.getMessage(), e);
    }
    return this;
  }

  /** Removes all records. */
  public FakeDnsServer clearRecords() {
    records.clear();
    return this;
  }

  /** Sets the SOA sent with negative answers; its TTL and minimum are the negative TTL. */
  public FakeDnsServer soa(SOARecord soa) {
    this.soa = soa;
    return this;
  }

  /** A root SOA whose TTL and minimum are both {@code negativeTtlSeconds}. */
  public static SOARecord soaRecord(long negativeTtlSeconds) {
    try {
      return new SOARecord(
          Name.root,
          DClass.IN,
          negativeTtlSeconds,
          Name.fromString("ns.fake."),
          Name.fromString("hostmaster.fake."),
          1,
          3600,
          600,
          86400,
          negativeTtlSeconds);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Applies {@code fault} to every query for {@code name} (absolute or not, any case).
   *
   * @throws IllegalArgumentException if {@code name} is not a DNS name
   */
  public FakeDnsServer fault(String name, DnsFault fault) {
    faults.put(name(name), fault);
    return this;
  }

  /** Applies {@code fault} to every query whose name has no fault of its own. */
  public FakeDnsServer faultAll(DnsFault fault) {
    this.defaultFault = fault;
    return this;
  }

  /** Removes all faults. */
  public FakeDnsServer clearFaults() {
    faults.clear();
    defaultFault = DnsFault.answer();
    return this;
  }

  /** Every query received so far, in arrival order. */
  public List<Query> queries() {
    return List.copyOf(queries);
  }

  /** The queries received so far for {@code name} (absolute or not, any case). */
  public List<Query> queriesFor(String name) {
    String n = key(name(name));
    List<Query> out = new ArrayList<>();
    for (Query q : queries) {
      if (q.name().equals(n)) {
        out.add(q);
      }
    }
    return out;
  }

  /** Forgets the queries received so far. */
  public void clearQueries() {
    queries.clear();
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : connections) {
      closeQuietly(s);
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void udpLoop() {
    byte[] buf = new byte[MAX_UDP];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        return;
      }
      byte[] wire = java.util.Arrays.copyOf(p.getData(), p.getLength());
      SocketAddress from = p.getSocketAddress();
      submit(
          () -> {
            byte[] answer = answer(wire, Transport.UDP);
            if (answer != null && !closed) {
              try {
                udp.send(new DatagramPacket(answer, answer.length, from));
              } catch (IOException ignored) {
                // the client is gone or the server closed
              }
            }
          });
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        return;
      }
      connections.add(s);
      submit(() -> serveTcp(s));
    }
  }

  private void serveTcp(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (!closed) {
        byte[] wire = readFrame(in);
        if (wire == null) {
          return;
        }
        byte[] answer = answer(wire, Transport.TCP);
        if (answer != null && faultFor(wire) instanceof DnsFault.DripTcp drip) {
          byte[] framed = new byte[answer.length + 2];
          framed[0] = (byte) (answer.length >>> 8);
          framed[1] = (byte) answer.length;
          System.arraycopy(answer, 0, framed, 2, answer.length);
          for (byte b : framed) {
            out.write(b);
            out.flush();
            Thread.sleep(drip.interval().toMillis());
          }
        } else if (answer != null) {
          out.writeShort(answer.length);
          out.write(answer);
          out.flush();
        }
      }
    } catch (IOException | InterruptedException ignored) {
      // the client closed the connection or the server closed
    } finally {
      connections.remove(s);
    }
  }

  /** The fault for the question of a wire query (the default for an unparseable one). */
  private DnsFault faultFor(byte[] wire) {
    try {
      Record question = new Message(wire).getQuestion();
      return question == null
          ? defaultFault
          : faults.getOrDefault(question.getName(), defaultFault);
    } catch (IOException e) {
      return defaultFault;
    }
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    int len;
    try {
      len = in.readUnsignedShort();
    } catch (EOFException e) {
      return null;
    }
    byte[] wire = new byte[len];
    in.readFully(wire);
    return wire;
  }

  private void submit(Runnable task) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** The wire answer to a wire query, or null for none (dropped, unparseable, closed). */
  private byte[] answer(byte[] wire, Transport transport) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      return null;
    }
    Record question = query.getQuestion();
    if (question == null) {
      return null;
    }
    queries.add(new Query(key(question.getName()), Type.string(question.getType()), transport));
    DnsFault fault = faults.getOrDefault(question.getName(), defaultFault);
    while (fault instanceof DnsFault.Delay d) {
      try {
        Thread.sleep(d.delay().toMillis());
      } catch (InterruptedException e) {
        return null;
      }
      fault = d.then();
    }
    if (closed || fault instanceof DnsFault.Drop) {
      return null;
    }
    Message response = header(query);
    if (fault instanceof DnsFault.Rcode r) {
      response.getHeader().setRcode(r.rcode());
      return response.toWire();
    }
    if (fault instanceof DnsFault.TruncateUdp && transport == Transport.UDP) {
      response.getHeader().setFlag(Flags.TC);
      return response.toWire();
    }
    fill(response, question);
    if (fault instanceof DnsFault.NoQrBit) {
      response.getHeader().unsetFlag(Flags.QR);
    }
    OPTRecord opt = query.getOPT();
    int max =
        transport == Transport.TCP
            ? MAX_UDP
            : opt == null ? 512 : Math.max(512, opt.getPayloadSize());
    return response.toWire(max);
  }

  private static Message header(Message query) {
    Message response = new Message(query.getHeader().getID());
    Header h = response.getHeader();
    h.setFlag(Flags.QR);
    h.setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
      h.setFlag(Flags.RA);
    }
    response.addRecord(query.getQuestion(), Section.QUESTION);
    if (query.getOPT() != null) {
      response.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    }
    return response;
  }

  private void fill(Message response, Record question) {
    Name qname = question.getName();
    int type = question.getType();
    for (int hops = 0; hops < MAX_CNAME_HOPS; hops++) {
      List<Record> owned = records.getOrDefault(qname, List.of());
      boolean any = false;
      Name alias = null;
      for (Record r : owned) {
        if (r.getType() == type || type == Type.ANY) {
          response.addRecord(r, Section.ANSWER);
          any = true;
        } else if (r instanceof CNAMERecord c) {
          alias = c.getTarget();
        }
      }
      if (any) {
        return;
      }
      if (alias == null) {
        boolean exists = !owned.isEmpty();
        for (Name n : records.keySet()) {
          exists |= n.subdomain(qname);
        }
        if (!exists) {
          response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        response.addRecord(soa, Section.AUTHORITY);
        return;
      }
      for (Record r : owned) {
        if (r instanceof CNAMERecord) {
          response.addRecord(r, Section.ANSWER);
        }
      }
      qname = alias;
    }
  }

  private static Name name(String name) {
    try {
      return Name.fromString(name, Name.root);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  private static String key(Name name) {
    String s = name.toString(true).toLowerCase(java.util.Locale.ROOT);
    return s.isEmpty() ? "." : s;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
