package io.redisha.command;

import java.util.Locale;

/**
 * Command flags as redis-server 7.0's COMMAND reports them. The gateway routes on
 * them and the node's guards check them, so their meaning is Redis's:
 */
public enum CommandFlag {
  /** May modify the dataset: goes to the master, refused by a read-only replica. */
  WRITE,
  /** Reads the dataset and never modifies it: a replica may serve it. */
  READONLY,
  /** May grow memory: refused when over maxmemory. */
  DENYOOM,
  /** Keys are found by the module API; never set for core commands. */
  MODULE,
  /** Administrative: the sentinel uses these, clients rarely should. */
  ADMIN,
  /** Pub/sub: allowed while a RESP2 client is subscribed. */
  PUBSUB,
  /** Not allowed from Lua scripts. */
  NOSCRIPT,
  /** May block the client (BLPOP and friends). */
  BLOCKING,
  /** Allowed while the dataset is loading. */
  LOADING,
  /** Allowed on a replica with a broken master link while serve-stale-data is off. */
  STALE,
  /** Not propagated to MONITOR. */
  SKIP_MONITOR,
  /** Not counted in the slowlog. */
  SKIP_SLOWLOG,
  /** Can run on a cluster node that is not the slot's owner (ASKING). */
  ASKING,
  /** O(1) or O(log N), never delays the server. */
  FAST,
  /** Allowed before authentication. */
  NO_AUTH,
  /** May replicate (propagate) differently from what it is: not used by core tables. */
  MAY_REPLICATE,
  /** Key positions are given by the key specs, not by first/last/step alone. */
  MOVABLEKEYS,
  /** May be called with no keys although it has key arguments. */
  NO_MANDATORY_KEYS,
  /** Not allowed inside MULTI. */
  NO_MULTI,
  /** Allowed while a script runs too long (SCRIPT KILL and the like). */
  ALLOW_BUSY,
  /** Also served by a sentinel. */
  SENTINEL,
  /** Served only by a sentinel, never by a data server. */
  ONLY_SENTINEL,
  /** Refused unless enable-protected-configs (or the like) allows it. */
  PROTECTED,
  /** Keys are found through the module getkeys API. */
  MODULE_GETKEYS_API,
  /** Refused with -LOADING while a replica loads the master's payload in the background (swapdb async loading). */
  NO_ASYNC_LOADING;

  private final String wire = name().toLowerCase(Locale.ROOT);

  /** The flag as COMMAND spells it, e.g. "readonly" or "no_auth". */
  public String wireName() {
    return wire;
  }

  public static CommandFlag fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
