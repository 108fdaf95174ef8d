package io.redisha.gateway;

/**
 * One request of one client, from parsing until its reply has gone out. Slots sit in
 * their client's reply queue in request order, so replies leave in that order whatever
 * backend answered first; the same slot also sits in a backend connection's in-flight
 * queue while sent there.
 */
final class Slot {

  /** Null for the gateway's own requests (handshake AUTH/SELECT/HELLO), whose replies are dropped. */
  final ClientConn client;
  /** The request, kept until answered so that a request never sent can be routed again. */
  byte[][] args;
  /** What kind of request, for routing and for what a lost connection means. */
  final Route route;
  /** May modify data: its fate is unknown if the connection is lost after sending it. */
  final boolean write;
  /** The reply, when it arrived before the replies ahead of it. */
  byte[] reply;
  boolean done;
  /** write-ack-replicas on a dedicated connection: EXEC, or a write outside MULTI (blocking, under WATCH). */
  boolean ackOnDedicated;
  /** CLIENT TRACKING ON: an error reply means tracking did not start. */
  boolean trackingOn;
  /** write-ack-replicas: the reply waits for the WAIT behind it. */
  boolean awaitingAck;
  /** The connection whose WAIT it waits for: a refused slot sent again waits for another. */
  BackendConn ackConn;
  boolean ackReplyReady;
  /** For a WAIT the gateway sent: the writes it confirms. */
  java.util.List<Slot> ackGroup;
  /** INFO: put the gateway's section in front of the master's reply. */
  boolean addGatewayInfo;
  /** A backend refused it without running it (READONLY, LOADING, MASTERDOWN): since when, and the refusal. */
  long rejectedSinceNanos;
  byte[] rejection;
  /** When it started waiting for a master (System.nanoTime()), or 0. */
  long heldSinceNanos;
  /** For the metrics (set only when they are on): the command, its arrival and its sending (System.nanoTime()). */
  io.redisha.command.CommandSpec spec;
  long startNanos;
  long sentNanos;

  Slot(ClientConn client, byte[][] args, Route route, boolean write) {
    this.client = client;
    this.args = args;
    this.route = route;
    this.write = write;
  }

  /** How a request is routed. */
  enum Route {
    /** Answered by the gateway itself. */
    LOCAL,
    /** To the master over a shared connection. */
    MASTER,
    /** To a replica by the read policy (the master when none is usable). */
    READ,
    /** To the client's dedicated connection to the master (MULTI, WATCH, blocking). */
    DEDICATED,
    /** The gateway's own handshake request; the reply is dropped. */
    INTERNAL
  }
}
