package org.onionmx.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torrc a {@link TorProcess} writes and how start-up fails; the failures use small shell
 * scripts in place of tor. {@code TorProcessIT} starts the real one.
 */
class TorProcessTest {
  @TempDir Path dir;

  private static List<String> torrc(TorProcess.Builder builder) {
    return builder.torrc().lines();
  }

  @Test
  void torrcMakesAClientWithExtendedErrorsIsolationAndACookieOnlyControlPortOnAnAutoPort() {
    Path data = dir.resolve("tor");
    List<String> lines = torrc(TorProcess.newBuilder().dataDirectory(data));

    String socks = "SocksPort 127.0.0.1:auto ExtendedErrors IsolateSOCKSAuth";
    assertTrue(lines.contains(socks), lines::toString);
    assertTrue(lines.contains("ControlPort 127.0.0.1:auto"), lines::toString);
    assertTrue(
        lines.contains("ControlPortWriteToFile \"" + data.resolve("control-port") + "\""),
        lines::toString);
    assertTrue(lines.contains("CookieAuthentication 1"), lines::toString);
    assertTrue(lines.contains("DataDirectory \"" + data + "\""), lines::toString);
    assertTrue(lines.contains("Log \"notice file " + data.resolve("notice.log") + "\""));
    assertTrue(lines.contains("AvoidDiskWrites 1"), lines::toString);
    assertTrue(lines.contains("RunAsDaemon 0"), lines::toString);
    assertTrue(
        lines.contains("__OwningControllerProcess " + ProcessHandle.current().pid()),
        lines::toString);
  }

  @Test
  void torrcNamesNeitherTheMachineNorARelayPort() {
    List<String> lines = torrc(TorProcess.newBuilder().dataDirectory(dir));

    for (String option : List.of("Nickname", "ORPort", "Address", "ContactInfo", "DirPort")) {
      assertTrue(lines.stream().noneMatch(l -> l.startsWith(option)), option + " in " + lines);
    }
  }

  @Test
  void fixedSocksPortIsOnLoopback() {
    List<String> lines = torrc(TorProcess.newBuilder().dataDirectory(dir).socksPort(9150));

    assertTrue(
        lines.contains("SocksPort 127.0.0.1:9150 ExtendedErrors IsolateSOCKSAuth"),
        lines::toString);
  }

  @Test
  void extraLinesComeLastInTheirOrder() {
    List<String> lines =
        torrc(
            TorProcess.newBuilder()
                .dataDirectory(dir)
                .extraConfig("TestingTorNetwork 1")
                .extraConfig("DirAuthority a orport=1 no-v2 127.0.0.1:2 AAAA"));

    assertEquals(
        List.of("TestingTorNetwork 1", "DirAuthority a orport=1 no-v2 127.0.0.1:2 AAAA"),
        lines.subList(lines.size() - 2, lines.size()));
  }

  @Test
  void pathWithSpacesBackslashesAndQuotesIsQuotedAsTorReadsIt() {
    Path data = dir.resolve("my \"tor\" \\ data");

    List<String> lines = torrc(TorProcess.newBuilder().dataDirectory(data));

    String escaped = data.toString().replace("\\", "\\\\").replace("\"", "\\\"");
    assertTrue(lines.contains("DataDirectory \"" + escaped + "\""), lines::toString);
  }

  @Test
  void extraLineWithALineBreakIsRefused() {
    TorProcess.Builder builder = TorProcess.newBuilder();

    assertThrows(
        IllegalArgumentException.class, () -> builder.extraConfig("SocksPort 1\nControlPort 2"));
  }

  @Test
  void socksPortOutOfRangeAndNonPositiveTimeoutAreRefused() {
    TorProcess.Builder builder = TorProcess.newBuilder();

    assertThrows(IllegalArgumentException.class, () -> builder.socksPort(65536));
    assertThrows(IllegalArgumentException.class, () -> builder.socksPort(-1));
    assertThrows(IllegalArgumentException.class, () -> builder.startupTimeout(Duration.ZERO));
  }

  @Test
  void startWithoutADataDirectoryIsRefused() {
    TorProcess.Builder builder = TorProcess.newBuilder().binary(Path.of("/bin/true"));

    assertThrows(IllegalStateException.class, builder::start);
  }

  @Test
  void missingBinaryIsNoBinaryAndCreatesNothing() {
    Path data = dir.resolve("tor");
    TorProcess.Builder builder =
        TorProcess.newBuilder().binary(dir.resolve("no-such-tor")).dataDirectory(data);

    TorProcessException e = assertThrows(TorProcessException.class, builder::start);

    assertEquals(TorProcessException.Kind.NO_BINARY, e.kind());
    assertTrue(e.getMessage().contains("no-such-tor"), e::getMessage);
    assertFalse(Files.exists(data));
  }

  @Test
  void fileThatIsNotExecutableIsNoBinary() throws IOException {
    Path notTor = Files.writeString(dir.resolve("tor"), "not a program");
    TorProcess.Builder builder =
        TorProcess.newBuilder().binary(notTor).dataDirectory(dir.resolve("data"));

    TorProcessException e = assertThrows(TorProcessException.class, builder::start);

    assertEquals(TorProcessException.Kind.NO_BINARY, e.kind());
  }

  @Test
  void defaultBinaryIsTheFirstTorOnPathThenTheUsualPlaces() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tor = Files.writeString(bin.resolve("tor"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(tor, PosixFilePermissions.fromString("rwx------"));
    Path fallback = dir.resolve("usr-bin-tor");

    assertEquals(tor, TorBinary.find(dir.resolve("empty") + ":" + bin, List.of(fallback)));
    assertEquals(tor, TorBinary.find(null, List.of(fallback, tor)));
  }

  @Test
  void noTorOnPathNorInTheUsualPlacesIsNoBinary() {
    TorProcessException e =
        assertThrows(
            TorProcessException.class,
            () -> TorBinary.find(dir.toString(), List.of(dir.resolve("tor"))));

    assertEquals(TorProcessException.Kind.NO_BINARY, e.kind());
    assertTrue(e.getMessage().contains("apt-get install tor"), e::getMessage);
  }

  @Test
  void torThatExitsAtOnceIsExitedWithItsLastLinesAndAnOwnerOnlyDataDirectory() throws IOException {
    Path fake =
        script(
            "echo \"[warn] Failed to parse/validate config: Unknown option 'Bogus'.\"",
            "echo '[err] Reading config failed--see warnings above.'",
            "exit 1");
    Path data = dir.resolve("tor");
    TorProcess.Builder builder =
        TorProcess.newBuilder().binary(fake).dataDirectory(data).extraConfig("Bogus 1");

    TorProcessException e = assertThrows(TorProcessException.class, builder::start);

    assertEquals(TorProcessException.Kind.EXITED, e.kind(), e::toString);
    assertTrue(e.logTail().contains("Unknown option 'Bogus'"), e::logTail);
    assertTrue(e.getMessage().contains("status 1"), e::getMessage);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    assertTrue(Files.readString(data.resolve("torrc")).contains("\nBogus 1\n"));
  }

  @Test
  void torThatOpensNoControlPortTimesOutAndIsStopped() throws IOException {
    Path pidFile = dir.resolve("pid");
    Path fake = script("echo $$ > '" + pidFile + "'", "exec sleep 30");
    TorProcess.Builder builder =
        TorProcess.newBuilder()
            .binary(fake)
            .dataDirectory(dir.resolve("tor"))
            .startupTimeout(Duration.ofMillis(500));

    TorProcessException e = assertThrows(TorProcessException.class, builder::start);

    assertEquals(TorProcessException.Kind.STARTUP_TIMEOUT, e.kind(), e::toString);
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    assertTrue(left.isEmpty(), "the process it started is gone");
  }

  @Test
  void controlPortFileIsReadAsAnIpLiteral() throws IOException {
    Path file = Files.writeString(dir.resolve("control-port"), "PORT=127.0.0.1:40123\n");

    assertEquals(40123, ControlPortFile.read(file).getPort());
    assertEquals("127.0.0.1", ControlPortFile.read(file).getAddress().getHostAddress());
    assertEquals(null, ControlPortFile.read(dir.resolve("absent")));
    Files.writeString(file, "PORT=localhost:40123\n");
    assertThrows(IOException.class, () -> ControlPortFile.read(file));
  }

  private Path script(String... lines) throws IOException {
    Path p = dir.resolve("fake-tor");
    Files.writeString(p, "#!/bin/sh\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }
}
