/**
 * onionmx core: turns a mail domain into the Tor onion services that take its mail
 * ({@link org.onionmx.resolve}), and delivers mail to them through a local Tor daemon
 * ({@link org.onionmx.deliver}, {@link org.onionmx.tor}).
 */
@SuppressWarnings("module") // the modules org.onionmx.internal goes to are built after this one
module org.onionmx.core {
  requires transitive jakarta.mail;
  requires org.eclipse.angus.mail;
  requires org.dnsjava;
  requires org.yaml.snakeyaml;
  requires com.ibm.icu;
  requires org.slf4j;
  requires jtorctl;

  exports org.onionmx.resolve;
  exports org.onionmx.tor;
  exports org.onionmx.deliver;

  // Not API, for onionmx's own modules only (see its package Javadoc). Compiling core, javac
  // cannot find them yet, hence the suppressed "module not found" warning.
  exports org.onionmx.internal to
      org.onionmx.jakarta.mail,
      org.onionmx.examples;
}
