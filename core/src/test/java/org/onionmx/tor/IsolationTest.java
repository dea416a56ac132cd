package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.tor.TestSockets.ONION;
import static org.onionmx.tor.TestSockets.connectorFor;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.onionmx.testing.socks.ConnectRequest;

/** Isolation keys become SOCKS credentials that Tor's IsolateSOCKSAuth separates circuits by. */
class IsolationTest {
  private static final String OTHER =
      "mx.b4sdzlhzkkx5vrtyhmhe4mjm5q3aqcu4bdmtquyfmbrdtxi3ejkcn4qd.onion";

  @RegisterExtension final EchoBehindProxy tor = new EchoBehindProxy();

  private ConnectRequest open(TorSocksConnector c, String host, IsolationMode mode, String msg)
      throws Exception {
    c.open(host, 25, mode.isolationKey(host, msg)).close();
    List<ConnectRequest> all = tor.proxy().connects();
    return all.get(all.size() - 1);
  }

  private ConnectRequest open(String host, IsolationMode mode, String msg) throws Exception {
    return open(tor.connector(), host, mode, msg);
  }

  @Test
  void sameDestinationGetsTheSameCredentials() throws Exception {
    ConnectRequest a = open(ONION, IsolationMode.PER_DESTINATION, "m1");
    ConnectRequest b = open(ONION.toUpperCase() + ".", IsolationMode.PER_DESTINATION, "m2");
    assertEquals(a.username(), b.username());
    assertEquals(a.password(), b.password());
  }

  @Test
  void differentDestinationsGetDifferentCredentials() throws Exception {
    ConnectRequest a = open(ONION, IsolationMode.PER_DESTINATION, null);
    ConnectRequest b = open(OTHER, IsolationMode.PER_DESTINATION, null);
    assertNotEquals(a.username(), b.username());
    assertNotEquals(a.password(), b.password());
  }

  @Test
  void perMessageDiffersPerMessageAndRepeatsForTheSameMessage() throws Exception {
    ConnectRequest a = open(ONION, IsolationMode.PER_MESSAGE, "m1");
    ConnectRequest b = open(ONION, IsolationMode.PER_MESSAGE, "m2");
    ConnectRequest again = open(ONION, IsolationMode.PER_MESSAGE, "m1");
    ConnectRequest other = open(OTHER, IsolationMode.PER_MESSAGE, "m1");
    assertNotEquals(a.username(), b.username());
    assertEquals(a.username(), again.username());
    assertNotEquals(a.username(), other.username());
  }

  @Test
  void isolationOffersOnlyUserNamePassword() throws Exception {
    assertEquals(List.of(2), open(ONION, IsolationMode.PER_DESTINATION, null).methods());
  }

  @Test
  void noIsolationOffersOnlyNoAuthentication() throws Exception {
    ConnectRequest r = open(ONION, IsolationMode.NONE, "m1");
    assertEquals(List.of(0), r.methods());
    assertNull(r.username());
    assertNull(r.password());
  }

  @Test
  void credentialsNeverNameTheOsLoginTheDestinationOrTheMessage() throws Exception {
    ConnectRequest r = open(ONION, IsolationMode.PER_MESSAGE, "<id@host.example>");
    tor.proxy().assertNoOsLoginAsUser();
    assertNotEquals(System.getProperty("user.name"), r.username());
    assertTrue(r.username().matches("[0-9a-f]{32}"), r.username());
    assertTrue(r.password().matches("[0-9a-f]{32}"), r.password());
  }

  @Test
  void eachConnectorHasItsOwnSaltSoCredentialsDoNotLinkAcrossConnectors() throws Exception {
    TorSocksConnector second = connectorFor(tor.proxy().port()).build();
    ConnectRequest a = open(ONION, IsolationMode.PER_DESTINATION, null);
    ConnectRequest b = open(second, ONION, IsolationMode.PER_DESTINATION, null);
    assertNotEquals(a.username(), b.username());
  }

  @Test
  void injectedRandomMakesCredentialsReproducible() throws Exception {
    TorSocksConnector a = connectorFor(tor.proxy().port()).random(new Random(7)).build();
    TorSocksConnector b = connectorFor(tor.proxy().port()).random(new Random(7)).build();
    assertEquals(
        open(a, ONION, IsolationMode.PER_DESTINATION, null).username(),
        open(b, ONION, IsolationMode.PER_DESTINATION, null).username());
  }
}
