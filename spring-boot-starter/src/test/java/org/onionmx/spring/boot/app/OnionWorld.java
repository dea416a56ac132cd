package org.onionmx.spring.boot.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.onionmx.testing.socks.FakeTorProxy;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * On loopback: GreenMail behind an onion service that only the fake Tor SOCKS5 proxy reaches, and a
 * map file pinning {@value #PINNED} to it. Started once per test class, before its context.
 */
final class OnionWorld {
  static final String ONION = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  static final String PINNED = "pinned.example";

  final GreenMail onionServer;
  final FakeTorProxy tor;
  final Path map;

  OnionWorld() {
    try {
      onionServer = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
      onionServer.start();
      tor = FakeTorProxy.start();
      tor.route("mx." + ONION, onionServer.getSmtp().getPort());
      map = Files.createTempFile("onion-map", ".yml");
      Files.writeString(map, "'mx." + ONION + "': [" + PINNED + "]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Only {@code onionmx.*}: Tor, the pinned map, no SRV (so no DNS at all), short timeouts. */
  void register(DynamicPropertyRegistry registry) {
    registry.add("onionmx.socks.host", () -> "127.0.0.1");
    registry.add("onionmx.socks.port", tor::port);
    registry.add("onionmx.map", map::toString);
    registry.add("onionmx.srv", () -> "false");
    registry.add("onionmx.connection-timeout", () -> "2s");
    registry.add("onionmx.timeout", () -> "5s");
  }

  void close() throws IOException {
    tor.close();
    onionServer.stop();
    Files.deleteIfExists(map);
  }
}
