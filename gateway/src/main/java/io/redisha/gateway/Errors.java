package io.redisha.gateway;

import io.redisha.gateway.GatewayConfig.HostPort;

/**
 * The errors the gateway makes itself. Each carries "gateway:" after a code clients
 * know, so that an application can tell them from the backend's own errors.
 */
final class Errors {

  private Errors() {}

  static final String PREFIX = "gateway: ";

  static String unsupported(String cmd) {
    return "ERR " + PREFIX + "'" + cmd + "' cannot be used through the gateway (it needs a direct connection to a node)";
  }

  static String trackingRedirect() {
    return "ERR " + PREFIX + "CLIENT TRACKING REDIRECT cannot be used through the gateway (its client ids are not "
        + "the nodes'); use RESP3 (HELLO 3): the invalidations then come on the tracking connection itself";
  }

  static String unknownFate(HostPort addr) {
    return "ERR " + PREFIX + "connection to the master " + addr + " was lost after the command was sent; "
        + "it may or may not have been applied, and the gateway does not retry it";
  }

  static String lostDedicated(HostPort addr) {
    return "ERR " + PREFIX + "connection to " + addr + " was lost; the transaction, WATCH or blocking command was abandoned";
  }

  static String noMaster(long heldMs) {
    return "MASTERDOWN " + PREFIX + "no master available (waited " + heldMs + " ms for a failover to end)";
  }

  static String notReplicated(long confirmed, int wanted, long ms) {
    return notReplicated(confirmed, wanted, ms, "write");
  }

  static String notReplicated(long confirmed, int wanted, long ms, String what) {
    return "NOREPLICAS " + PREFIX + "the " + what + " was applied on the master but only " + confirmed + " of " + wanted
        + " replicas confirmed it within " + ms + " ms; it may be lost if the master fails now";
  }

  static String noBackend(String why) {
    return "ERR " + PREFIX + "no backend available: " + why;
  }
}
