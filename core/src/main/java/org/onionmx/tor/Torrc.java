package org.onionmx.tor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The torrc a {@link TorProcess} writes: a client with one SOCKS port (extended onion errors,
 * isolation by SOCKS credentials), a control port on a port tor chooses and writes to a file,
 * cookie authentication, a notice log in the data directory, this JVM as the owning process, and
 * the caller's extra lines. Nothing in it names the machine or the user.
 *
 * @param dataDirectory tor's data directory, absolute
 * @param socksPort the SOCKS port on 127.0.0.1, or 0 for one tor chooses
 * @param extra further torrc lines, written last
 */
record Torrc(Path dataDirectory, int socksPort, List<String> extra) {
  static final String CONTROL_PORT_FILE = "control-port";
  static final String COOKIE_FILE = "control_auth_cookie";
  static final String LOG_FILE = "notice.log";
  static final String OUTPUT_FILE = "tor-output.log";

  Torrc {
    extra = List.copyOf(extra);
  }

  /** The file's lines. */
  List<String> lines() {
    String socks = socksPort == 0 ? "auto" : Integer.toString(socksPort);
    List<String> lines = new ArrayList<>();
    lines.add("# Written by onionmx TorProcess at every start; edits are lost.");
    lines.add("DataDirectory " + quote(dataDirectory.toString()));
    lines.add("RunAsDaemon 0");
    lines.add("SocksPort 127.0.0.1:" + socks + " ExtendedErrors IsolateSOCKSAuth");
    lines.add("ControlPort 127.0.0.1:auto");
    lines.add("ControlPortWriteToFile " + quote(file(CONTROL_PORT_FILE)));
    lines.add("CookieAuthentication 1");
    lines.add("CookieAuthFile " + quote(file(COOKIE_FILE)));
    // the rest of the Log value is the file name, spaces and all
    lines.add("Log " + quote("notice file " + file(LOG_FILE)));
    lines.add("AvoidDiskWrites 1");
    // tor exits when this JVM does, also in the moment before TAKEOWNERSHIP
    lines.add("__OwningControllerProcess " + ProcessHandle.current().pid());
    lines.addAll(extra);
    return lines;
  }

  private String file(String name) {
    return dataDirectory.resolve(name).toString();
  }

  /** A torrc value in double quotes, with backslashes and quotes escaped as tor reads them. */
  static String quote(String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a torrc value cannot hold a line break: " + value);
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
