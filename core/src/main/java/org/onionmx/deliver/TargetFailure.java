package org.onionmx.deliver;

/** A target could not give an SMTP session; carries the failure for every pending recipient. */
final class TargetFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Failure failure;

  TargetFailure(Failure failure, Throwable cause) {
    super(failure.text(), cause);
    this.failure = failure;
  }

  Failure failure() {
    return failure;
  }
}
