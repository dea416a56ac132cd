package org.onionmx.cli;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.onionmx.deliver.Failure;
import org.onionmx.deliver.OnionMailer;
import org.onionmx.deliver.OnionSender;
import org.onionmx.deliver.RecipientOutcome;
import org.onionmx.deliver.RecipientResult;
import org.onionmx.deliver.SendReport;
import org.onionmx.resolve.OnionResolver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code onionmx send}: delivers one message over Tor and prints one line per recipient: the
 * address, the outcome ({@code accepted}, {@code rejected}, {@code deferred}, {@code unknown}, or
 * {@code no-route}) and the reply or reason. Nothing goes over the clearnet: a recipient without an
 * onion route is reported, not sent.
 *
 * <p>Exit code: 0 when all were accepted, 1 when some were rejected or have no onion route, 3 when
 * some were deferred or their status is unknown (and none of the former).
 */
@Command(
    name = "send",
    description = "Deliver a message over Tor onion services and print each recipient's result.",
    sortOptions = false)
final class SendCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "ADDRESS",
      converter = AddressConverter.class,
      description = "Sender (the envelope's MAIL FROM and the From header).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ADDRESS",
      split = ",",
      converter = AddressConverter.class,
      description = "Recipients; repeatable or comma-separated.")
  List<String> to;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Content content;

  static final class Content {
    @ArgGroup(exclusive = false)
    Text text;

    @Option(
        names = "--eml",
        paramLabel = "FILE",
        converter = OptionValues.MessageFile.class,
        description = "A complete RFC 5322 message, sent unchanged.")
    Path eml;
  }

  static final class Text {
    @Option(names = "--subject", paramLabel = "TEXT", description = "Subject.")
    String subject = "";

    @Option(names = "--body", paramLabel = "TEXT", required = true, description = "Body text.")
    String body;
  }

  @Mixin ResolverOptions resolverOptions;

  @Mixin TorOptions torOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    byte[] raw = content.eml != null ? Files.readAllBytes(content.eml) : null;
    OnionResolver resolver = resolverOptions.build();
    PrintWriter out = spec.commandLine().getOut();
    int exit = OnionMxCommand.OK;
    try (OnionMailer mailer = torOptions.mailer()) {
      OnionSender sender = OnionSender.of(resolver, mailer);
      SendReport report =
          raw != null
              ? sender.send(from, to, raw)
              : sender.send(from, to, message(mailer, from, to));
      for (RecipientOutcome outcome : report.outcomes()) {
        exit = Math.max(exit, print(out, outcome));
      }
    }
    return exit;
  }

  /**
   * Prints one result line and returns its exit code. Every field that came from the command line
   * or a server is escaped ({@link Escape}), so one recipient is always one line of three fields.
   */
  private static int print(PrintWriter out, RecipientOutcome outcome) {
    String recipient = Escape.field(outcome.recipient());
    if (outcome instanceof RecipientOutcome.Onion onion) {
      return print(out, recipient, onion.result());
    }
    if (outcome instanceof RecipientOutcome.CouldNotTell failed) {
      out.println(recipient + "\tdeferred\t" + Escape.field(failed.resolution().detail()));
      return OnionMxCommand.LOOKUP_ERROR;
    }
    if (outcome instanceof RecipientOutcome.NoRoute none) {
      out.println(recipient + "\tno-route\t" + Escape.field(none.resolution().detail()));
      return OnionMxCommand.NO_ROUTE;
    }
    RecipientOutcome.InvalidAddress invalid = (RecipientOutcome.InvalidAddress) outcome;
    out.println(recipient + "\trejected\t" + Escape.field(invalid.reason()));
    return OnionMxCommand.NO_ROUTE;
  }

  private MimeMessage message(OnionMailer mailer, String sender, List<String> recipients)
      throws Exception {
    MimeMessage message = mailer.newMessage();
    message.setFrom(new InternetAddress(sender));
    for (String recipient : recipients) {
      message.addRecipient(MimeMessage.RecipientType.TO, new InternetAddress(recipient));
    }
    message.setSubject(content.text.subject, "UTF-8");
    message.setText(content.text.body, "UTF-8");
    return message;
  }

  /**
   * Prints one onion delivery's result line and returns its exit code; {@code recipient} is
   * escaped already. An SMTP reply shows its code once, the lines of a multi-line reply joined.
   */
  private static int print(PrintWriter out, String recipient, RecipientResult result) {
    String via = " (via " + result.target() + ")";
    if (result instanceof RecipientResult.Accepted accepted) {
      out.println(
          recipient + "\taccepted\t" + Escape.reply(accepted.code(), accepted.text()) + via);
      return OnionMxCommand.OK;
    }
    if (result instanceof RecipientResult.Rejected rejected) {
      out.println(recipient + "\trejected\t" + describe(rejected.failure()) + via);
      return OnionMxCommand.NO_ROUTE;
    }
    if (result instanceof RecipientResult.Deferred deferred) {
      out.println(recipient + "\tdeferred\t" + describe(deferred.failure()) + via);
      return OnionMxCommand.LOOKUP_ERROR;
    }
    RecipientResult.StatusUnknown unknown = (RecipientResult.StatusUnknown) result;
    out.println(
        recipient
            + "\tunknown\tthe connection broke after the message was sent, before the reply: "
            + describe(unknown.failure())
            + via);
    return OnionMxCommand.LOOKUP_ERROR;
  }

  /** A failure as one escaped field. */
  private static String describe(Failure failure) {
    if (failure instanceof Failure.Smtp smtp) {
      return Escape.reply(smtp.code(), smtp.text());
    }
    if (failure instanceof Failure.Tor tor) {
      return (tor.socksCode() >= 0 ? String.format("Tor 0x%02X: ", tor.socksCode()) : "Tor: ")
          + Escape.field(tor.text());
    }
    if (failure instanceof Failure.Unsupported unsupported) {
      return "no "
          + Escape.field(unsupported.extension())
          + ": "
          + Escape.field(unsupported.text());
    }
    Failure.Connection connection = (Failure.Connection) failure;
    return connection.kind().name().toLowerCase(Locale.ROOT)
        + ": "
        + Escape.field(connection.text());
  }

  /**
   * Checks an address strictly (RFC 822 syntax, with a domain), so that a bad one is a usage error.
   */
  static final class AddressConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        String address = new InternetAddress(value, true).getAddress();
        if (address.indexOf('@') < 1) {
          throw new TypeConversionException("'" + value + "' has no domain");
        }
        return address;
      } catch (jakarta.mail.internet.AddressException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a mail address: " + e.getMessage());
      }
    }
  }
}
