package org.onionmx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.onionmx.resolve.DomainNames;
import org.onionmx.resolve.InvalidDomainException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that check option values as they are parsed, so that every bad value is a usage error
 * (exit code 2) naming the value and the reason, never a failure later in the command (exit 3).
 */
final class OptionValues {
  /** The longest time any option accepts: one day. */
  static final double MAX_SECONDS = 86_400;

  private OptionValues() {}

  /** Seconds, more than 0 and at most a day; fractions allowed. */
  static final class PositiveSeconds implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double seconds;
      try {
        seconds = Double.parseDouble(value.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException(
            "'" + Escape.field(value) + "' is not a number of seconds");
      }
      if (!(seconds > 0) || seconds > MAX_SECONDS) {
        throw new TypeConversionException(
            "'" + Escape.field(value) + "' seconds: give more than 0 and at most 86400");
      }
      return seconds;
    }
  }

  /** Whole seconds, at least 1 and at most a day. */
  static final class PositiveWholeSeconds implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return wholeNumber(value, "seconds", (long) MAX_SECONDS);
    }
  }

  /** A count of at least 1 and at most 100,000. */
  static final class PositiveCount implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) wholeNumber(value, "", 100_000);
    }
  }

  /** {@code value} as a whole number of {@code unit} from 1 to {@code max}, or a usage error. */
  private static long wholeNumber(String value, String unit, long max) {
    String shown = "'" + Escape.field(value) + "'";
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          shown + " is not a whole number" + (unit.isEmpty() ? "" : " of " + unit));
    }
    if (n < 1 || n > max) {
      throw new TypeConversionException(
          shown + (unit.isEmpty() ? "" : " " + unit) + ": give 1 to " + max);
    }
    return n;
  }

  /** A Postfix transport name, as master.cf allows: letters, digits, '_', '.', '-'. */
  static final class TransportName implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new TypeConversionException(
            "'"
                + Escape.field(value)
                + "' is not a Postfix transport name (letters, digits, _ . -)");
      }
      return value;
    }
  }

  /** A mail domain, normalised ({@link DomainNames#normalize}). */
  static final class Domain implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return DomainNames.normalize(value);
      } catch (InvalidDomainException e) {
        throw new TypeConversionException(Escape.field(e.getMessage()));
      }
    }
  }

  /** A message file that exists, is a regular file and is not empty. */
  static final class MessageFile implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path file = Path.of(value);
      String name = Escape.field(value);
      if (!Files.exists(file)) {
        throw new TypeConversionException(name + ": No such file");
      }
      if (!Files.isRegularFile(file)) {
        throw new TypeConversionException(name + ": not a regular file");
      }
      try {
        if (Files.size(file) == 0) {
          throw new TypeConversionException(name + ": the file is empty: no message to send");
        }
      } catch (IOException e) {
        throw new TypeConversionException(
            name + ": " + Escape.field(String.valueOf(e.getMessage())));
      }
      return file;
    }
  }
}
