package org.onionmx.jakarta.mail;

import static org.onionmx.jakarta.mail.OnionSmtpSettings.PREFIX;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.onionmx.internal.HostPort;
import org.onionmx.jakarta.mail.OnionSmtpSettings.Control;
import org.onionmx.tor.TorControl;

/**
 * Typed reads of single {@code mail.onion-smtp.*} properties, each error naming its property.
 * Values may be strings or, as Angus accepts them, any object whose text is the value ({@code
 * Integer}, {@code Boolean}); values behind a {@code Properties}' defaults count.
 */
final class PropertyReader {

  /** Between the items of a list value: commas and white space. */
  private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\s]+");

  private final Properties properties;

  PropertyReader(Properties properties) {
    this.properties = properties;
  }

  String text(String key) {
    return value(properties, PREFIX + key);
  }

  List<String> list(String key, String fallback) {
    String value = text(key);
    List<String> items = new ArrayList<>();
    for (String item : LIST_SEPARATOR.split(value == null ? fallback : value)) {
      if (!item.isEmpty()) {
        items.add(item);
      }
    }
    return items;
  }

  Boolean bool(String key, Boolean fallback) {
    String value = text(key);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(key, value, "true or false");
    };
  }

  int integer(String key, int fallback, int min, int max) {
    String value = text(key);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, value, "a number from " + min + " to " + max);
  }

  Duration millis(String key) {
    String value = text(key);
    return value == null ? null : Duration.ofMillis(integer(key, 0, 1, Integer.MAX_VALUE));
  }

  <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
    String value = text(key);
    if (value == null) {
      return fallback;
    }
    String constant = value.toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(constant)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw bad(key, value, "one of " + String.join(", ", names));
  }

  /** The control port, if any {@code control.*} key is set. */
  Control control() {
    boolean any = names(properties).stream().anyMatch(n -> n.startsWith(PREFIX + "control."));
    if (!any) {
      return null;
    }
    String password = text("control.password");
    String cookie = text("control.cookie");
    if (password != null && cookie != null) {
      throw new IllegalArgumentException(
          PREFIX + "control.password and " + PREFIX + "control.cookie: set one, not both");
    }
    return new Control(
        host("control.host"),
        integer("control.port", TorControl.DEFAULT_PORT, 1, 65535),
        password,
        cookie == null ? null : Path.of(cookie));
  }

  String host(String key) {
    String value = text(key);
    if (value == null || value.equalsIgnoreCase("localhost")) {
      return value == null ? "127.0.0.1" : value;
    }
    try {
      HostPort.parseIp(value);
    } catch (IllegalArgumentException e) {
      throw bad(key, value, "an IP address or localhost (names are not looked up)");
    }
    return value.startsWith("[") ? value.substring(1, value.length() - 1) : value;
  }

  <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) { // InvalidDomainException among them
      throw new IllegalArgumentException(
          (key.startsWith(PREFIX) ? key : PREFIX + key) + ": " + e.getMessage(), e);
    }
  }

  private IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException(
        PREFIX + key + " must be " + expected + ", not '" + value + "'");
  }

  /**
   * Every property name, with values of any type (apps put Integers and Booleans, as Angus accepts)
   * and the names of the defaults a {@code Properties} may have behind it.
   */
  static Set<String> names(Properties properties) {
    Set<String> names = new TreeSet<>(properties.stringPropertyNames());
    for (Object key : properties.keySet()) {
      if (key instanceof String name) {
        names.add(name);
      }
    }
    return names;
  }

  /** A property's value of any type as text, or null if unset or blank. */
  static String value(Properties properties, String name) {
    Object value = properties.get(name);
    String text = value != null ? value.toString() : properties.getProperty(name);
    return text == null || text.isBlank() ? null : text.trim();
  }
}
