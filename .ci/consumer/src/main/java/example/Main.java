package example;

import jakarta.mail.Session;
import java.util.Properties;
import org.onionmx.jakarta.mail.OnionSmtp;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;

/** What a user's first program does: resolve a pinned domain, get the onion-smtp transport. */
public final class Main {
  public static void main(String[] args) throws Exception {
    OnionResolver resolver = OnionResolver.newBuilder().map(OnionMap.bundled()).srv(false).build();
    Resolution riseup = resolver.resolve("riseup.net"); // pinned: no DNS query
    if (!(riseup instanceof Resolution.Routed routed)) {
      throw new IllegalStateException("riseup.net is not routed: " + riseup);
    }
    Session session = Session.getInstance(OnionSmtp.useForAllMail(new Properties()));
    String transport = session.getTransport().getClass().getName();
    if (!transport.equals("org.onionmx.jakarta.mail.OnionSmtpTransport")) {
      throw new IllegalStateException("onion-smtp is not registered: " + transport);
    }
    System.out.println("riseup.net -> " + routed.targets() + "; transport " + transport);
  }
}
