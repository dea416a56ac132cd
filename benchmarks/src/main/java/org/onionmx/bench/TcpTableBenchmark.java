package org.onionmx.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.onionmx.postfix.TcpTableServer;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;

/**
 * Queries per second and latency percentiles of the Postfix tcp_table server over loopback: clients
 * on persistent connections ask one key at a time, as Postfix does, for a mix of pinned domains
 * (the bundled map), own domains and domains without a route (SRV off: no DNS).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.onionmx.bench.TcpTableBenchmark}
 */
public final class TcpTableBenchmark {
  private static final String[] KEYS = {
    "get riseup.net",
    "get user%40systemli.org",
    "get mine.example",
    "get nothing.example",
    "get lists.riseup.net",
    "get koumbit.org"
  };

  private TcpTableBenchmark() {}

  public static void main(String[] args) throws Exception {
    int perClient = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.bundled())
            .srv(false)
            .ownDomains(Set.of("mine.example"))
            .build();
    try (TcpTableServer server =
        TcpTableServer.newBuilder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .resolver(resolver)
            .start()) {
      run(server, 4, perClient / 4, false); // warm-up
      for (int clients : new int[] {1, 8, 32}) {
        run(server, clients, perClient, true);
      }
    }
  }

  private static void run(TcpTableServer server, int clients, int perClient, boolean print)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> client(server.address().getPort(), perClient)));
    }
    long[] all = new long[clients * perClient];
    int n = 0;
    for (Future<long[]> f : futures) {
      long[] part = f.get();
      System.arraycopy(part, 0, all, n, part.length);
      n += part.length;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    if (print) {
      Arrays.sort(all);
      System.out.printf(
          "tcp_table %2d clients: %8.0f queries/s, p50 %6.1f us, p99 %6.1f us, max %7.1f us"
              + " (%d queries)%n",
          clients,
          all.length / seconds,
          all[all.length / 2] / 1e3,
          all[(int) (all.length * 0.99)] / 1e3,
          all[all.length - 1] / 1e3,
          all.length);
    }
  }

  private static long[] client(int port, int queries) throws Exception {
    long[] latencies = new long[queries];
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (int i = 0; i < queries; i++) {
        byte[] request = (KEYS[i % KEYS.length] + "\n").getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        out.write(request);
        out.flush();
        String reply = in.readLine();
        latencies[i] = System.nanoTime() - t0;
        if (reply == null || !(reply.startsWith("200 ") || reply.startsWith("500 "))) {
          throw new IllegalStateException("unexpected reply: " + reply);
        }
      }
    }
    return latencies;
  }
}
