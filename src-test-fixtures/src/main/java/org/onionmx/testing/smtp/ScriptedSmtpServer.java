package org.onionmx.testing.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 that answers as scripted, for failures GreenMail cannot produce: a
 * 421 greeting, 4xx/5xx per recipient, MAIL FROM, DATA or the final "." refused. It offers STARTTLS
 * when started with a TLS context, and records the EHLO names, the TLS server names (SNI) asked
 * for, and every completed transaction. Unscripted commands succeed. Thread-safe; one thread per
 * connection.
 *
 * <p>For RFC 2920 pipelining it can offer {@code PIPELINING}, hold its replies to {@code MAIL FROM}
 * and {@code RCPT TO} until the group's last command arrives (which only a pipelining client
 * survives), and count the commands that arrived before the reply to the one before them was sent
 * (none, for a client that waits for each reply).
 */
public final class ScriptedSmtpServer implements AutoCloseable {
  /**
   * A message the server accepted.
   *
   * @param mailFrom the MAIL FROM address, without angle brackets
   * @param recipients the accepted RCPT TO addresses, without angle brackets
   * @param data the message as received, dot-unstuffed, without the final "."
   * @param tls whether the transaction ran over TLS
   */
  public record Transaction(String mailFrom, List<String> recipients, byte[] data, boolean tls) {
    /** Copies the lists and data. */
    public Transaction {
      recipients = List.copyOf(recipients);
      data = data.clone();
    }

    /** The data as UTF-8 text. */
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private final ServerSocket server;
  private final SSLContext tls;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Map<String, String> recipientReplies = new ConcurrentHashMap<>();
  private volatile String greeting = "220 scripted ESMTP";
  private volatile String mailReply = "250 2.1.0 OK";
  private volatile String dataReply = "354 go ahead";
  private volatile String endOfDataReply = "250 2.0.0 OK queued";
  private final List<String> ehloNames = new CopyOnWriteArrayList<>();
  private final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final List<Transaction> transactions = new CopyOnWriteArrayList<>();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger commandsBeforeReply = new AtomicInteger();
  private volatile boolean offerPipelining;
  private volatile boolean offerSmtpUtf8;
  private volatile long maxSize = -1;
  private volatile boolean holdGroupReplies;
  private volatile boolean dataWithoutRecipients;
  private final Map<String, Long> replyDelays = new ConcurrentHashMap<>();

  private ScriptedSmtpServer(SSLContext tls) throws IOException {
    this.tls = tls;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** Starts a server without STARTTLS. */
  public static ScriptedSmtpServer start() throws IOException {
    return new ScriptedSmtpServer(null);
  }

  /** Starts a server that offers STARTTLS with {@code tls} (a server context with a key). */
  public static ScriptedSmtpServer startWithStartTls(SSLContext tls) throws IOException {
    return new ScriptedSmtpServer(Objects.requireNonNull(tls, "tls"));
  }

  /** The port on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** The greeting line, default {@code 220 scripted ESMTP}; a non-2xx greeting ends the session. */
  public ScriptedSmtpServer greeting(String line) {
    this.greeting = line;
    return this;
  }

  /** The reply to {@code RCPT TO:<address>} (address compared without case); default 250. */
  public ScriptedSmtpServer replyToRecipient(String address, String reply) {
    recipientReplies.put(address.toLowerCase(Locale.ROOT), reply);
    return this;
  }

  /** The reply to MAIL FROM; default 250. */
  public ScriptedSmtpServer replyToMail(String reply) {
    this.mailReply = reply;
    return this;
  }

  /** The reply to DATA; default 354. */
  public ScriptedSmtpServer replyToData(String reply) {
    this.dataReply = reply;
    return this;
  }

  /** The reply to the final "."; default 250. A 2xx reply records the transaction. */
  public ScriptedSmtpServer replyToEndOfData(String reply) {
    this.endOfDataReply = reply;
    return this;
  }

  /**
   * Waits {@code millis} before each reply to {@code command}: {@code "MAIL"}, {@code "RCPT"},
   * {@code "DATA"}, or {@code "."} for the end of a message (as a server that scans each message
   * before it answers); default no wait. 0 removes the wait.
   *
   * @throws IllegalArgumentException for another command
   */
  public ScriptedSmtpServer delayReplyTo(String command, long millis) {
    if (!List.of("MAIL", "RCPT", "DATA", ".").contains(command)) {
      throw new IllegalArgumentException("cannot delay the reply to " + command);
    }
    replyDelays.put(command, millis);
    return this;
  }

  private void delay(String command) throws InterruptedException {
    long millis = replyDelays.getOrDefault(command, 0L);
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /**
   * Offers {@code SMTPUTF8} (RFC 6531) in the EHLO reply; default off. Commands are read as UTF-8
   * either way, so {@link #commands()} shows what a client sent without it too.
   */
  public ScriptedSmtpServer offerSmtpUtf8() {
    this.offerSmtpUtf8 = true;
    return this;
  }

  /**
   * Offers {@code SIZE max} (RFC 1870) in the EHLO reply, and answers a {@code MAIL FROM} whose
   * {@code SIZE=} parameter exceeds it with {@code 552 5.3.4}; default no SIZE.
   */
  public ScriptedSmtpServer offerSize(long max) {
    this.maxSize = max;
    return this;
  }

  /** Offers {@code PIPELINING} in the EHLO reply; default off. */
  public ScriptedSmtpServer offerPipelining() {
    this.offerPipelining = true;
    return this;
  }

  /**
   * Offers {@code PIPELINING} and holds the replies to {@code MAIL FROM} and {@code RCPT TO} until
   * another command arrives, as RFC 2920 lets a server do: a client that waits for each reply waits
   * for ever (until its read timeout).
   */
  public ScriptedSmtpServer holdRepliesUntilGroupEnds() {
    this.offerPipelining = true;
    this.holdGroupReplies = true;
    return this;
  }

  /**
   * Answers DATA with its scripted reply even when no recipient was accepted, as some servers do
   * against RFC 2920's advice; default 503 then.
   */
  public ScriptedSmtpServer acceptDataWithoutRecipients() {
    this.dataWithoutRecipients = true;
    return this;
  }

  /**
   * The number of commands that arrived while the reply to the command before them was not yet
   * sent: zero for a client that waits for each reply, more for a pipelining one.
   */
  public int commandsBeforeReply() {
    return commandsBeforeReply.get();
  }

  /** The EHLO and HELO names received, in order. */
  public List<String> ehloNames() {
    return List.copyOf(ehloNames);
  }

  /** The SNI host names clients asked for in TLS handshakes that completed, in order. */
  public List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  /** Every command line received, in order. */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /** The messages accepted, in order. */
  public List<Transaction> transactions() {
    return List.copyOf(transactions);
  }

  /** The number of connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Closes every open connection without a word, as a server that timed its clients out. */
  public void dropConnections() throws IOException {
    for (Socket s : open) {
      s.close();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        threads.execute(() -> serve(s));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void serve(Socket plain) {
    Socket socket = plain;
    try {
      socket.setTcpNoDelay(true); // each flushed reply goes out at once
      Lines in = new Lines(socket.getInputStream());
      OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream());
      send(out, greeting);
      boolean refused = !greeting.startsWith("2");
      boolean secure = false;
      String from = null;
      List<String> rcpts = new ArrayList<>();
      String line;
      boolean held = false;
      boolean early = false;
      while ((line = readLine(in)) != null) {
        commands.add(line);
        if (held || early) { // the reply to the command before it was not sent yet
          commandsBeforeReply.incrementAndGet();
        }
        boolean more = in.buffered() > 0 || socket.getInputStream().available() > 0;
        early = more;
        String upper = line.toUpperCase(Locale.ROOT);
        boolean groupCommand = upper.startsWith("MAIL FROM:") || upper.startsWith("RCPT TO:");
        if (held && !groupCommand) {
          out.flush();
          held = false;
        }
        if (upper.startsWith("QUIT")) {
          send(out, "221 bye");
          return;
        } else if (refused) {
          send(out, "503 5.5.1 no service");
        } else if (upper.startsWith("EHLO ") || upper.startsWith("HELO ")) {
          ehloNames.add(line.substring(5).trim());
          from = null;
          rcpts.clear();
          send(out, ehloReply(upper.startsWith("EHLO"), tls != null && !secure));
        } else if (upper.equals("STARTTLS") && tls != null && !secure) {
          send(out, "220 2.0.0 Ready to start TLS");
          SSLSocket ssl =
              (SSLSocket) tls.getSocketFactory().createSocket(socket, in.leftover(), true);
          out.flush();
          ssl.setUseClientMode(false);
          ssl.startHandshake();
          for (SNIServerName n :
              ((ExtendedSSLSession) ssl.getSession()).getRequestedServerNames()) {
            if (n instanceof SNIHostName h) {
              serverNames.add(h.getAsciiName());
            }
          }
          socket = ssl;
          open.add(ssl);
          in = new Lines(ssl.getInputStream());
          out = new java.io.BufferedOutputStream(ssl.getOutputStream());
          secure = true;
        } else if (groupCommand) {
          delay(upper.substring(0, 4));
          String reply = groupReply(upper, line, from);
          if (upper.startsWith("MAIL FROM:")) {
            from = reply.startsWith("2") ? address(line) : null;
            rcpts.clear();
          } else if (reply.startsWith("2")) {
            rcpts.add(address(line));
          }
          if (holdGroupReplies || (offerPipelining && more)) {
            // like Postfix's smtpd, flush only when the client has nothing more pipelined
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            held = true;
          } else {
            send(out, reply);
          }
        } else if (upper.equals("DATA")) {
          if (!dataWithoutRecipients && (from == null || rcpts.isEmpty())) {
            send(out, "503 5.5.1 no valid recipients");
            continue;
          }
          delay("DATA");
          send(out, dataReply);
          if (!dataReply.startsWith("3")) {
            continue;
          }
          byte[] data = readData(in);
          if (data == null) {
            return;
          }
          if (endOfDataReply.startsWith("2")) { // recorded before the client can see the reply
            transactions.add(new Transaction(from, rcpts, data, secure));
          }
          delay(".");
          send(out, endOfDataReply);
          from = null;
          rcpts.clear();
        } else if (upper.equals("RSET")) {
          from = null;
          rcpts.clear();
          send(out, "250 2.0.0 OK");
        } else if (upper.equals("NOOP")) {
          send(out, "250 2.0.0 OK");
        } else {
          send(out, "502 5.5.2 not implemented");
        }
      }
    } catch (IOException e) {
      // the client went away or the handshake failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } finally {
      open.remove(plain);
      try {
        socket.close();
        plain.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  /** The reply to a MAIL FROM or RCPT TO line, as {@link #serve} gives it. */
  private String groupReply(String upper, String line, String from) {
    if (upper.startsWith("MAIL FROM:")) {
      java.util.regex.Matcher size = java.util.regex.Pattern.compile(" SIZE=(\\d+)").matcher(upper);
      if (maxSize >= 0 && size.find() && Long.parseLong(size.group(1)) > maxSize) {
        return "552 5.3.4 Message size exceeds fixed maximum message size";
      }
      return mailReply;
    }
    String reply =
        recipientReplies.getOrDefault(address(line).toLowerCase(Locale.ROOT), "250 2.1.5 OK");
    return from == null ? "503 5.5.1 MAIL first" : reply;
  }

  private String ehloReply(boolean ehlo, boolean offerTls) {
    if (!ehlo) {
      return "250 scripted";
    }
    return "250-scripted\r\n"
        + (offerTls ? "250-STARTTLS\r\n" : "")
        + (offerPipelining ? "250-PIPELINING\r\n" : "")
        + (offerSmtpUtf8 ? "250-SMTPUTF8\r\n" : "")
        + (maxSize >= 0 ? "250-SIZE " + maxSize + "\r\n" : "")
        + "250 8BITMIME";
  }

  private static String address(String line) {
    String rest = line.substring(line.indexOf(':') + 1).trim();
    int lt = rest.indexOf('<');
    int gt = rest.indexOf('>');
    return lt >= 0 && gt > lt ? rest.substring(lt + 1, gt) : rest.split(" ")[0];
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A CRLF- (or LF-) terminated line as UTF-8, without the terminator; null at end of stream. */
  private static String readLine(Lines in) throws IOException {
    byte[] line = in.next();
    if (line == null) {
      return null;
    }
    int n = line.length;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
      n--;
    }
    return new String(line, 0, n, StandardCharsets.UTF_8);
  }

  /** The DATA lines up to the lone ".", dot-unstuffed; null if the stream ended first. */
  private static byte[] readData(Lines in) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    byte[] line;
    while ((line = in.next()) != null) {
      if (line.length >= 1 && line[0] == '.') {
        if ((line.length == 3 && line[1] == '\r' && line[2] == '\n')
            || (line.length == 2 && line[1] == '\n')) {
          return data.toByteArray();
        }
        data.write(line, 1, line.length - 1);
      } else {
        data.write(line);
      }
    }
    return null;
  }

  /** Reads lines (with their terminator) from a stream through a buffer scanned in bulk. */
  private static final class Lines {
    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int limit;

    Lines(InputStream in) {
      this.in = in;
    }

    /** The next line with its LF, or the rest before end of stream; null at end of stream. */
    byte[] next() throws IOException {
      ByteArrayOutputStream line = null;
      while (true) {
        for (int i = pos; i < limit; i++) {
          if (buffer[i] == '\n') {
            byte[] chunk = java.util.Arrays.copyOfRange(buffer, pos, i + 1);
            pos = i + 1;
            if (line == null) {
              return chunk;
            }
            line.write(chunk);
            return line.toByteArray();
          }
        }
        if (limit > pos) {
          if (line == null) {
            line = new ByteArrayOutputStream();
          }
          line.write(buffer, pos, limit - pos);
        }
        pos = 0;
        limit = in.read(buffer);
        if (limit < 0) {
          limit = 0;
          return line == null || line.size() == 0 ? null : line.toByteArray();
        }
      }
    }

    /** The number of bytes read but not yet returned. */
    int buffered() {
      return limit - pos;
    }

    /** Bytes read but not yet returned (none, when a client waits for a reply as it should). */
    InputStream leftover() {
      return new java.io.ByteArrayInputStream(buffer, pos, limit - pos);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "scripted-smtp-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
