package org.onionmx.postfix;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.OnionTarget;

/**
 * A tcp_table server for a child JVM started under a low {@code ulimit -n}: prints {@code port N}
 * on standard output once it listens on 127.0.0.1, and runs until its standard input closes.
 */
public final class LowLimitServer {
  private LowLimitServer() {}

  /** Starts the server; {@code args[0]} is the pinned onion for pinned.example. */
  public static void main(String[] args) throws IOException {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.of(Map.of("pinned.example", OnionTarget.parse(args[0]))))
            .srv(false)
            .build();
    try (TcpTableServer server =
        TcpTableServer.newBuilder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .resolver(resolver)
            .maxClients(1000)
            .start()) {
      System.out.println("port " + server.address().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // run until the test closes our standard input
      }
    }
  }
}
