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

  @Option(names = "--json", description = "One JSON object per recipient instead of text.")
  boolean json;

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
        Line line = line(outcome);
        out.println(json ? line.toJson() : line.toText());
        exit = Math.max(exit, line.exit());
      }
    }
    return exit;
  }

  /**
   * One recipient's result as printed. Values are kept unescaped here: the text form escapes every
   * field from the command line or a server ({@link Escape}), so one recipient is always one line
   * of three fields; the JSON form quotes them.
   *
   * @param recipient the recipient as given
   * @param status accepted, rejected, deferred, unknown or no-route
   * @param detail the reply or the reason
   * @param via the onion target that gave the result, or null
   * @param smtpCode the SMTP reply code, or null
   * @param torCode Tor's SOCKS reply code, or null
   * @param exit the exit code this result asks for
   */
  record Line(
      String recipient,
      String status,
      String detail,
      String via,
      Integer smtpCode,
      Integer torCode,
      int exit) {
    String toText() {
      return Escape.field(recipient)
          + '\t'
          + status
          + '\t'
          + Escape.field(detail)
          + (via == null ? "" : " (via " + via + ")");
    }

    String toJson() {
      StringBuilder json = new StringBuilder("{\"recipient\":").append(Json.quote(recipient));
      json.append(",\"status\":").append(Json.quote(status));
      if (smtpCode != null) {
        json.append(",\"code\":").append(smtpCode);
      }
      if (torCode != null) {
        json.append(",\"torCode\":").append(torCode);
      }
      json.append(",\"detail\":").append(Json.quote(detail));
      if (via != null) {
        json.append(",\"via\":").append(Json.quote(via));
      }
      return json.append('}').toString();
    }
  }

  /** The printed form of one outcome. */
  static Line line(RecipientOutcome outcome) {
    String recipient = outcome.recipient();
    if (outcome instanceof RecipientOutcome.Onion onion) {
      return line(recipient, onion.result());
    }
    if (outcome instanceof RecipientOutcome.CouldNotTell failed) {
      return new Line(
          recipient,
          "deferred",
          failed.resolution().detail(),
          null,
          null,
          null,
          OnionMxCommand.LOOKUP_ERROR);
    }
    if (outcome instanceof RecipientOutcome.NoRoute none) {
      return new Line(
          recipient,
          "no-route",
          none.resolution().detail(),
          null,
          null,
          null,
          OnionMxCommand.NO_ROUTE);
    }
    RecipientOutcome.InvalidAddress invalid = (RecipientOutcome.InvalidAddress) outcome;
    return new Line(
        recipient, "rejected", invalid.reason(), null, null, null, OnionMxCommand.NO_ROUTE);
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

  /** The printed form of an onion delivery's result. */
  private static Line line(String recipient, RecipientResult result) {
    String via = result.target().toString();
    Failure failure =
        result instanceof RecipientResult.Rejected r
            ? r.failure()
            : result instanceof RecipientResult.Deferred d
                ? d.failure()
                : result instanceof RecipientResult.StatusUnknown u ? u.failure() : null;
    Integer smtp =
        result instanceof RecipientResult.Accepted a
            ? Integer.valueOf(a.code())
            : failure instanceof Failure.Smtp f ? Integer.valueOf(f.code()) : null;
    Integer tor =
        failure instanceof Failure.Tor t && t.socksCode() >= 0
            ? Integer.valueOf(t.socksCode())
            : null;
    if (result instanceof RecipientResult.Accepted accepted) {
      return new Line(
          recipient,
          "accepted",
          Escape.joinedReply(accepted.code(), accepted.text()),
          via,
          smtp,
          null,
          OnionMxCommand.OK);
    }
    if (result instanceof RecipientResult.Rejected) {
      return new Line(
          recipient, "rejected", describe(failure), via, smtp, tor, OnionMxCommand.NO_ROUTE);
    }
    if (result instanceof RecipientResult.Deferred) {
      return new Line(
          recipient, "deferred", describe(failure), via, smtp, tor, OnionMxCommand.LOOKUP_ERROR);
    }
    return new Line(
        recipient,
        "unknown",
        "the connection broke after the message was sent, before the reply: " + describe(failure),
        via,
        smtp,
        tor,
        OnionMxCommand.LOOKUP_ERROR);
  }

  /** A failure in words, unescaped. */
  private static String describe(Failure failure) {
    if (failure instanceof Failure.Smtp smtp) {
      return Escape.joinedReply(smtp.code(), smtp.text());
    }
    if (failure instanceof Failure.Tor tor) {
      return (tor.socksCode() >= 0 ? String.format("Tor 0x%02X: ", tor.socksCode()) : "Tor: ")
          + tor.text();
    }
    if (failure instanceof Failure.Unsupported unsupported) {
      return "no " + unsupported.extension() + ": " + unsupported.text();
    }
    Failure.Connection connection = (Failure.Connection) failure;
    return connection.kind().name().toLowerCase(Locale.ROOT) + ": " + connection.text();
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
