package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.onionmx.tor.TestSockets.connectorFor;
import static org.onionmx.tor.TestSockets.read;
import static org.onionmx.tor.TestSockets.write;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.LoopbackServer;
import org.onionmx.testing.socks.ConnectRequest;
import org.onionmx.testing.socks.FakeTorProxy;

/** One connector shared by many threads: every stream is its own, credentials stay per host. */
class ConcurrentConnectTest {
  private static final int THREADS = 16;
  private static final int PER_THREAD = 8;
  private static final int HOSTS = 5;

  @Test
  void manyThreadsShareOneConnector() throws Exception {
    try (LoopbackServer echo = TestSockets.echoServer();
        FakeTorProxy proxy = FakeTorProxy.start().defaultRoute(echo.port())) {
      TorSocksConnector connector = connectorFor(proxy.port()).build();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                      String host = "h" + (i % HOSTS) + ".example.onion";
                      String key = IsolationMode.PER_DESTINATION.isolationKey(host, null);
                      try (Socket s = connector.open(host, 25, key)) {
                        read(s.getInputStream(), TestSockets.BANNER.length());
                        String line = "NOOP " + thread + "-" + i + "\r\n";
                        write(s, line);
                        assertEquals(line, read(s.getInputStream(), line.length()));
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      List<ConnectRequest> connects = proxy.connects();
      assertEquals(THREADS * PER_THREAD, connects.size());
      proxy.assertNoIpDestinations();
      Map<String, Set<String>> usersByHost =
          connects.stream()
              .collect(
                  Collectors.groupingBy(
                      ConnectRequest::host,
                      Collectors.mapping(ConnectRequest::username, Collectors.toSet())));
      assertEquals(HOSTS, usersByHost.size());
      usersByHost.values().forEach(users -> assertEquals(1, users.size(), users.toString()));
      assertEquals(
          HOSTS,
          usersByHost.values().stream().flatMap(Set::stream).collect(Collectors.toSet()).size());
    }
  }
}
