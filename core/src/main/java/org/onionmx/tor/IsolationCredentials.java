package org.onionmx.tor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns isolation keys into SOCKS user name/password pairs: HMAC-SHA256 of the key under a salt
 * that is random per connector, split into a 32-hex-digit user name and password. Equal keys give
 * equal credentials (one circuit), different keys different ones. Nothing in the credentials names
 * the destination, the message, the machine or its user, and the salt keeps them unlinkable across
 * connectors and restarts. Immutable and thread-safe.
 */
final class IsolationCredentials {
  /** A user name and password for RFC 1929, ASCII, 32 bytes each. */
  record Credentials(String user, String password) {}

  private static final String HMAC = "HmacSHA256";
  private final byte[] salt;

  IsolationCredentials(byte[] salt) {
    if (salt.length < 16) {
      throw new IllegalArgumentException("isolation salt must have at least 16 bytes");
    }
    this.salt = salt.clone();
  }

  Credentials forKey(String isolationKey) {
    byte[] digest;
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(salt, HMAC));
      digest = mac.doFinal(isolationKey.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK must provide " + HMAC, e);
    }
    HexFormat hex = HexFormat.of();
    return new Credentials(hex.formatHex(digest, 0, 16), hex.formatHex(digest, 16, 32));
  }
}
