package org.onionmx.testing.tor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.onionmx.testing.Processes;

/**
 * One {@code tor} process of the private network: its data directory, its torrc, and the process
 * this fixture started. Runs in the foreground (a child of the JVM, so {@link #stop} ends exactly
 * it) and names the JVM as its owning controller, so it also exits if the JVM dies without closing
 * the network.
 */
final class TorNode {
  enum Role {
    AUTHORITY,
    RELAY,
    ONION_SERVICE,
    CLIENT
  }

  private final String nickname;
  private final Role role;
  private final Path dir;
  private final int orPort;
  private final int dirPort;
  private final int controlPort;
  private Process process;

  TorNode(String nickname, Role role, Path dir, int orPort, int dirPort, int controlPort) {
    this.nickname = nickname;
    this.role = role;
    this.dir = dir;
    this.orPort = orPort;
    this.dirPort = dirPort;
    this.controlPort = controlPort;
  }

  String nickname() {
    return nickname;
  }

  Role role() {
    return role;
  }

  Path dir() {
    return dir;
  }

  int orPort() {
    return orPort;
  }

  int dirPort() {
    return dirPort;
  }

  int controlPort() {
    return controlPort;
  }

  Path cookieFile() {
    return dir.resolve("control_auth_cookie");
  }

  boolean relays() {
    return role == Role.AUTHORITY || role == Role.RELAY;
  }

  /**
   * Creates the relay identity keys (and, for an authority, its v3 identity, signing key and
   * certificate) and returns this node's {@code DirAuthority} line if it is an authority, else
   * null.
   */
  String generateKeys(String tor, String torGencert, Path emptyTorrc) throws IOException {
    createPrivateDirectory();
    if (role == Role.AUTHORITY) {
      Path keys = Files.createDirectories(dir.resolve("keys"));
      Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
      Processes.run(
          keys,
          "\n",
          torGencert,
          "--create-identity-key",
          "-m",
          "12",
          "-a",
          "127.0.0.1:" + dirPort,
          "--passphrase-fd",
          "0");
    }
    Processes.run(
        dir,
        null,
        tor,
        "--list-fingerprint",
        "--defaults-torrc",
        emptyTorrc.toString(),
        "-f",
        emptyTorrc.toString(),
        "--DataDirectory",
        dir.toString(),
        "--ORPort",
        "127.0.0.1:" + orPort,
        "--Nickname",
        nickname,
        "--Address",
        "127.0.0.1",
        "--Log",
        "err stderr");
    if (role != Role.AUTHORITY) {
      return null;
    }
    String v3ident = field(dir.resolve("keys/authority_certificate"), "fingerprint");
    String fingerprint = Files.readString(dir.resolve("fingerprint")).trim().split("\\s+")[1];
    return "DirAuthority "
        + nickname
        + " orport="
        + orPort
        + " no-v2 v3ident="
        + v3ident
        + " 127.0.0.1:"
        + dirPort
        + " "
        + fingerprint;
  }

  /** Creates the data directory with mode 700, as tor wants it. */
  void createPrivateDirectory() throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /** Writes the torrc: the common part, the role's part, {@code extra}, the authorities. */
  void writeTorrc(Path geoip, List<String> dirAuthorities, List<String> extra, long owner)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("TestingTorNetwork 1");
    lines.add("DataDirectory " + dir);
    lines.add("RunAsDaemon 0");
    lines.add("Log notice file " + dir.resolve("notice.log"));
    lines.add("ShutdownWaitLength 0");
    lines.add("ControlPort 127.0.0.1:" + controlPort);
    lines.add("CookieAuthentication 1");
    lines.add("Nickname " + nickname);
    lines.add("ClientUseIPv6 0");
    // GeoIP means nothing on loopback; an empty file saves ~35 MB per tor
    lines.add("GeoIPFile " + geoip);
    lines.add("GeoIPv6File " + geoip);
    lines.add("__OwningControllerProcess " + owner);
    if (relays()) {
      lines.add("Address 127.0.0.1");
      lines.add("AddressDisableIPv6 1");
      lines.add("ORPort 127.0.0.1:" + orPort);
      lines.add("SocksPort 0");
      lines.add("AssumeReachable 1");
      lines.add("ExitRelay 0");
      lines.add("ExitPolicy reject *:*");
      lines.add("ContactInfo " + nickname + "@tornet.invalid");
    }
    if (role == Role.AUTHORITY) {
      int vote = NetworkLayout.VOTING_INTERVAL_SECONDS;
      int delay = Math.max(2, Math.min(4, (vote / 2 - 1) / 2)); // vote + distribution < vote / 2
      lines.add("DirPort 127.0.0.1:" + dirPort);
      lines.add("AuthoritativeDirectory 1");
      lines.add("V3AuthoritativeDirectory 1");
      lines.add("TestingV3AuthInitialVotingInterval " + vote);
      lines.add("TestingV3AuthInitialVoteDelay " + delay);
      lines.add("TestingV3AuthInitialDistDelay " + delay);
      lines.add("V3AuthVotingInterval " + vote);
      lines.add("V3AuthVoteDelay " + delay);
      lines.add("V3AuthDistDelay " + delay);
      lines.add("TestingDirAuthVoteGuard 127.0.0.1");
      lines.add("TestingDirAuthVoteHSDir 127.0.0.1");
      lines.add("AuthDirVoteStableGuaranteeMinUptime 0");
    }
    if (role == Role.ONION_SERVICE) {
      lines.add("SocksPort 0");
    }
    lines.addAll(extra);
    lines.addAll(dirAuthorities);
    Files.write(dir.resolve("torrc"), lines, StandardCharsets.UTF_8);
  }

  /** Starts {@code tor} with this node's torrc; the process runs until {@link #stop}. */
  void start(String tor, Path emptyTorrc) throws IOException {
    if (isRunning()) {
      throw new IllegalStateException(nickname + " is already running");
    }
    Files.deleteIfExists(cookieFile());
    process =
        new ProcessBuilder(
                tor,
                "--defaults-torrc",
                emptyTorrc.toString(),
                "-f",
                dir.resolve("torrc").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Processes.nullFile()))
            .start();
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Throws if the process was started and has exited since. */
  void checkAlive() throws IOException {
    if (process != null && !process.isAlive()) {
      throw new IOException(
          "tor node "
              + nickname
              + " exited with status "
              + process.exitValue()
              + "; last log lines:\n"
              + logTail());
    }
  }

  /** Sends SIGTERM to the process this node started, if any; {@link #await} waits for it. */
  void signalStop() {
    if (process != null) {
      process.destroy();
    }
  }

  /** Waits up to {@code timeout} for the process to end, then kills it. */
  void await(Duration timeout) {
    if (process == null) {
      return;
    }
    try {
      if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the process and waits for it (at most 10 s before it is killed). */
  void stop() {
    signalStop();
    await(Duration.ofSeconds(10));
  }

  /** The process id, or -1 if never started. */
  long pid() {
    return process == null ? -1 : process.pid();
  }

  String logTail() {
    StringBuilder sb = new StringBuilder();
    for (String f : List.of("notice.log", "stdout.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(f), StandardCharsets.UTF_8);
        lines
            .subList(Math.max(0, lines.size() - 10), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        // not written yet
      }
    }
    return sb.toString();
  }

  private static String field(Path file, String key) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith(key + " ")) {
        return line.substring(key.length() + 1).trim();
      }
    }
    throw new IOException(file + " has no '" + key + "' line");
  }

  @Override
  public String toString() {
    return nickname + "[" + role + ", pid " + pid() + "]";
  }
}
