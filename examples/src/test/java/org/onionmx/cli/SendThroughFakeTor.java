package org.onionmx.cli;

import static org.onionmx.cli.ResolveCommandTest.RISEUP;
import static org.onionmx.cli.ResolveCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.onionmx.cli.ResolveCommandTest.Run;
import org.onionmx.testing.Closing;
import org.onionmx.testing.ScratchDirectory;
import org.onionmx.testing.socks.FakeTorProxy;

/**
 * A JUnit 5 extension for the {@code send} command's tests: a fake Tor proxy and a map file that
 * pins example.org to {@link ResolveCommandTest#RISEUP}, started before each test and removed after
 * it. The test routes {@code RISEUP} to its SMTP server with {@code proxy().route(RISEUP, port)}.
 */
final class SendThroughFakeTor implements BeforeEachCallback, AfterEachCallback {
  private FakeTorProxy proxy;
  private ScratchDirectory dir;
  private Path map;

  /** The running test's proxy. */
  FakeTorProxy proxy() {
    return proxy;
  }

  /** Runs {@code onionmx send} with the map, without SRV, through the proxy, then {@code extra}. */
  Run send(String... extra) {
    String[] base = {
      "send", "--map", map.toString(), "--no-srv", "--socks", "127.0.0.1:" + proxy.port()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    proxy = FakeTorProxy.start();
    dir = ScratchDirectory.create("send-command");
    map = dir.path().resolve("map.yml");
    Files.writeString(map, "'" + RISEUP + "': [example.org]\n");
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Closing.all(proxy, dir);
  }
}
