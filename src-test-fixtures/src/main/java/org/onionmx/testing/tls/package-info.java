/**
 * Test certificates made at test time with the JDK's {@code keytool}: no private key is ever
 * committed.
 */
package org.onionmx.testing.tls;
