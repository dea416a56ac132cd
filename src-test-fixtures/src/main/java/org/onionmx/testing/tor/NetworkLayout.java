package org.onionmx.testing.tor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes of one private network, with their ports, keys and torrcs: three authorities, the
 * relays, the onion-service tor and the client tor, each in its own directory under one root.
 */
record NetworkLayout(
    List<TorNode> nodes,
    TorNode onionService,
    TorNode client,
    int socksPort,
    Path emptyTorrc,
    List<String> dirAuthorities) {
  static final int AUTHORITIES = 3;
  static final int VOTING_INTERVAL_SECONDS = 10;

  /**
   * Chooses free ports, generates every relay's keys (and the authorities' certificates) and writes
   * every torrc under {@code dir}.
   */
  static NetworkLayout create(
      Path dir,
      String tor,
      String gencert,
      int relays,
      int targetPort,
      java.util.Map<Integer, Integer> morePorts,
      Duration socksTimeout)
      throws IOException {
    Path emptyTorrc = Files.createFile(dir.resolve("empty.torrc"));
    Path geoip = Files.createFile(dir.resolve("empty.geoip"));
    int relaying = AUTHORITIES + relays;
    int count = relaying + 2;
    int[] ports = Tools.freePorts(relaying + AUTHORITIES + count + 1);
    int p = 0;
    List<TorNode> nodes = new ArrayList<>();
    for (int i = 0; i < relaying; i++) {
      boolean auth = i < AUTHORITIES;
      String nick = auth ? "auth" + i : "relay" + (i - AUTHORITIES);
      int orPort = ports[p++];
      int dirPort = auth ? ports[p++] : 0;
      nodes.add(
          new TorNode(
              nick,
              auth ? TorNode.Role.AUTHORITY : TorNode.Role.RELAY,
              dir.resolve(nick),
              orPort,
              dirPort,
              ports[p++]));
    }
    TorNode hs = new TorNode("hs", TorNode.Role.ONION_SERVICE, dir.resolve("hs"), 0, 0, ports[p++]);
    TorNode client =
        new TorNode("client", TorNode.Role.CLIENT, dir.resolve("client"), 0, 0, ports[p++]);
    int socks = ports[p];
    nodes.add(hs);
    nodes.add(client);

    List<String> authorities = new ArrayList<>();
    for (TorNode n : nodes) {
      if (n.relays()) {
        String line = n.generateKeys(tor, gencert, emptyTorrc);
        if (line != null) {
          authorities.add(line);
        }
      } else {
        n.createPrivateDirectory();
      }
    }
    long owner = ProcessHandle.current().pid();
    for (TorNode n : nodes) {
      List<String> extra =
          switch (n.role()) {
            case ONION_SERVICE -> {
              List<String> lines = new ArrayList<>();
              lines.add("HiddenServiceDir " + n.dir().resolve("hs"));
              lines.add("HiddenServiceVersion 3");
              lines.add(
                  "HiddenServicePort " + PrivateTorNetwork.ONION_PORT + " 127.0.0.1:" + targetPort);
              morePorts.forEach(
                  (onion, local) ->
                      lines.add("HiddenServicePort " + onion + " 127.0.0.1:" + local));
              yield lines;
            }
            case CLIENT ->
                socksTimeout == null
                    ? List.of("SocksPort 127.0.0.1:" + socks + " ExtendedErrors IsolateSOCKSAuth")
                    : List.of(
                        "SocksPort 127.0.0.1:" + socks + " ExtendedErrors IsolateSOCKSAuth",
                        "SocksTimeout " + socksTimeout.toSeconds());
            default -> List.of();
          };
      n.writeTorrc(geoip, authorities, extra, owner);
    }
    return new NetworkLayout(
        List.copyOf(nodes), hs, client, socks, emptyTorrc, List.copyOf(authorities));
  }
}
