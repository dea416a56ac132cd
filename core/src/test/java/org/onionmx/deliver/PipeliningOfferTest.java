package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.host;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onionmx.testing.smtp.ScriptedSmtpServer;
import org.onionmx.testing.socks.FakeTorProxy;

/** Commands are pipelined only to a server that offers it, and only when the mailer allows it. */
class PipeliningOfferTest {
  private ScriptedSmtpServer server;
  private FakeTorProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedSmtpServer.start();
    proxy = FakeTorProxy.start();
    proxy.route(host("mx1"), server.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private void deliverTwice(OnionMailer mailer) {
    for (int i = 0; i < 2; i++) {
      assertTrue(
          mailer
              .deliver(
                  route(target("mx1")),
                  envelope("a@example.org", "b@example.org", "c@example.org"),
                  rawMessage("s", "b"))
              .allAccepted());
    }
  }

  @Test
  void serverWithoutPipeliningGetsEachCommandAfterTheReplyBeforeIt() throws Exception {
    try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
      deliverTwice(mailer);
    }

    assertEquals(2, server.transactions().size());
    assertEquals(0, server.commandsBeforeReply());
  }

  @Test
  void pipeliningSwitchedOffWaitsForEachReplyFromAServerThatOffersIt() throws Exception {
    server.offerPipelining();
    try (OnionMailer mailer = Fixtures.mailer(proxy).pipelining(false).build()) {
      deliverTwice(mailer);
    }

    assertEquals(2, server.transactions().size());
    assertEquals(0, server.commandsBeforeReply());
  }

  @Test
  void aPipelinedGroupArrivesAsOneWrite() throws Exception {
    server.offerPipelining();
    try (OnionMailer mailer = Fixtures.mailer(proxy).build()) {
      assertTrue(
          mailer
              .deliver(
                  route(target("mx1")),
                  envelope("a@example.org", "b@example.org", "c@example.org"),
                  rawMessage("s", "b"))
              .allAccepted());
    }

    // the three RCPT TOs and DATA were already there when the server read MAIL FROM
    assertEquals(4, server.commandsBeforeReply());
  }
}
