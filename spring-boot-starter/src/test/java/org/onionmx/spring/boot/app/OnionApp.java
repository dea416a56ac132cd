package org.onionmx.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A throw-away application: nothing of its own, only the starter's auto-configuration. */
@SpringBootApplication
public class OnionApp {}
