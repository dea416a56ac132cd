package org.onionmx.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.onionmx.deliver.Fixtures.envelope;
import static org.onionmx.deliver.Fixtures.rawMessage;
import static org.onionmx.deliver.Fixtures.route;
import static org.onionmx.deliver.Fixtures.target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Commands are pipelined only to a server that offers it, and only when the mailer allows it. */
class PipeliningOfferTest {
  @RegisterExtension final ScriptedOnion onion = ScriptedOnion.at("mx1");

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
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).build()) {
      deliverTwice(mailer);
    }

    assertEquals(2, onion.server().transactions().size());
    assertEquals(0, onion.server().commandsBeforeReply());
  }

  @Test
  void pipeliningSwitchedOffWaitsForEachReplyFromAServerThatOffersIt() throws Exception {
    onion.server().offerPipelining();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).pipelining(false).build()) {
      deliverTwice(mailer);
    }

    assertEquals(2, onion.server().transactions().size());
    assertEquals(0, onion.server().commandsBeforeReply());
  }

  @Test
  void aPipelinedGroupArrivesAsOneWrite() throws Exception {
    onion.server().offerPipelining();
    try (OnionMailer mailer = Fixtures.mailer(onion.proxy()).build()) {
      assertTrue(
          mailer
              .deliver(
                  route(target("mx1")),
                  envelope("a@example.org", "b@example.org", "c@example.org"),
                  rawMessage("s", "b"))
              .allAccepted());
    }

    // the three RCPT TOs and DATA were already there when the server read MAIL FROM
    assertEquals(4, onion.server().commandsBeforeReply());
  }
}
