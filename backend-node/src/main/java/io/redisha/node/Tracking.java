package io.redisha.node;

import io.redisha.command.CommandFlag;
import io.redisha.command.CommandSpec;
import io.redisha.node.commands.CommandCmd;
import io.redisha.resp.ReplyWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client-side caching (CLIENT TRACKING), with redis-server 7.0's semantics.
 *
 * <p><b>Default mode.</b> The keys a tracking client reads with a read-only command are
 * remembered in one table, keyed by name only (databases share it, as in Redis), each
 * with the ids of the clients that read it. The first change to such a key (a write,
 * DEL, expiry: every path through {@link Db#modified}) sends each of them one
 * invalidation and forgets the key, so a client hears of a key once per read. Ids stay
 * in the table when their client goes or stops tracking, and are skipped when the key
 * changes; this is why tracking_total_items does not drop at CLIENT TRACKING OFF.
 *
 * <p><b>BCAST mode.</b> Nothing is remembered per client: every changed key whose name
 * starts with a registered prefix is collected under that prefix, and the collected
 * keys go out in one message per prefix after the commands of the current read, in
 * name order (Redis sends them from beforeSleep).
 *
 * <p><b>Delivery.</b> A RESP3 client gets {@code >2 invalidate [keys]} on its own
 * connection; with REDIRECT the message goes to the other client instead, as a push if
 * that one speaks RESP3 or as a {@code __redis__:invalidate} pub/sub message if it is a
 * RESP2 subscriber, and nowhere otherwise. A redirect whose client has gone marks the
 * tracking client broken and, under RESP3, tells it with {@code tracking-redir-broken}.
 * A flush sends a null instead of keys, encoded in the tracking client's protocol even
 * when it goes to the redirect target (as Redis does). Invalidations a command causes to
 * its own client are held until the command (the whole EXEC) has replied.
 */
public final class Tracking {

  /** One client's tracking options; null on a client that does not track. */
  public static final class Session {
    /** The client that receives this one's invalidations; 0 for itself. */
    public final long redirect;
    public final boolean bcast;
    public final boolean optin;
    public final boolean optout;
    public final boolean noloop;
    /** CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given for the next command. */
    boolean caching;
    /** The redirect client was gone when a message was due (CLIENT LIST flag R). */
    boolean brokenRedirect;
    /** BCAST prefixes, in Redis's (byte) order. */
    final TreeSet<Key> prefixes = new TreeSet<>();

    Session(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop) {
      this.redirect = redirect;
      this.bcast = bcast;
      this.optin = optin;
      this.optout = optout;
      this.noloop = noloop;
    }

    public boolean caching() {
      return caching;
    }

    public boolean brokenRedirect() {
      return brokenRedirect;
    }

    public List<byte[]> prefixes() {
      List<byte[]> out = new ArrayList<>(prefixes.size());
      for (Key k : prefixes) out.add(k.bytes);
      return out;
    }
  }

  /** The clients of one BCAST prefix and the keys under it changed since the last broadcast, each with who changed it last. */
  private static final class Prefix {
    final Set<Client> clients = new LinkedHashSet<>();
    final TreeMap<Key, Client> changed = new TreeMap<>();
  }

  private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Node node;
  /** Key name → ids of the clients that read it; insertion order makes the oldest the first evicted. */
  private final LinkedHashMap<Key, Set<Long>> table = new LinkedHashMap<>();
  private long totalItems;
  private final TreeMap<Key, Prefix> prefixes = new TreeMap<>();
  private int clients;
  private boolean broadcastScheduled;

  /** The client whose command is running (Redis's current_client), null between commands. */
  private Client current;
  private int depth;
  /** Counts top-level and nested calls; a flush within the same one as the last is not announced twice. */
  private long calls;
  private long lastFlushCall = -1;
  /** Invalidations for the running command's own client, sent once it has replied; null stands for a flush. */
  private final List<Key> pending = new ArrayList<>();
  /** Consecutive limit() runs that could not get under tracking-table-max-keys: each tries harder. */
  private int limitRuns;

  Tracking(Node node) {
    this.node = node;
  }

  // ---------------------------------------------------------------- CLIENT TRACKING

  /** The count INFO shows as tracking_clients. */
  public int clients() {
    return clients;
  }

  public int totalKeys() {
    return table.size();
  }

  public long totalItems() {
    return totalItems;
  }

  public int totalPrefixes() {
    return prefixes.size();
  }

  /**
   * The error CLIENT TRACKING ON gives for BCAST prefixes that overlap the client's
   * present ones or each other (one is a prefix of the other), or null. Like Redis it
   * checks each new prefix against the present ones before the later new ones.
   */
  public static String prefixCollision(Client c, List<byte[]> wanted) {
    for (int i = 0; i < wanted.size(); i++) {
      byte[] p = wanted.get(i);
      if (c.tracking != null) {
        for (Key have : c.tracking.prefixes) {
          if (overlap(have.bytes, p)) {
            return "ERR Prefix '" + cString(p) + "' overlaps with an existing prefix '" + cString(have.bytes)
                + "'. Prefixes for a single client must not overlap.";
          }
        }
      }
      for (int j = i + 1; j < wanted.size(); j++) {
        if (overlap(p, wanted.get(j))) {
          return "ERR Prefix '" + cString(p) + "' overlaps with another provided prefix '" + cString(wanted.get(j))
              + "'. Prefixes for a single client must not overlap.";
        }
      }
    }
    return null;
  }

  private static boolean overlap(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    return java.util.Arrays.equals(a, 0, n, b, 0, n);
  }

  /** As Redis formats a prefix with %s: up to its first NUL byte. */
  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * CLIENT TRACKING ON once its options were checked. Turning it on again replaces the
   * options but keeps CLIENT CACHING's pending choice and, in BCAST mode, the prefixes
   * registered before (new ones are added; none at all registers the empty prefix).
   */
  public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
      List<byte[]> wanted) {
    Session old = c.tracking;
    Session s = new Session(redirect, bcast, optin, optout, noloop);
    if (old == null) {
      clients++;
    } else {
      s.caching = old.caching;
      s.prefixes.addAll(old.prefixes);
    }
    c.tracking = s;
    if (bcast) {
      if (wanted.isEmpty()) subscribe(c, new Key(new byte[0]));
      for (byte[] p : wanted) subscribe(c, new Key(p));
    }
  }

  private void subscribe(Client c, Key prefix) {
    Prefix p = prefixes.computeIfAbsent(prefix, k -> new Prefix());
    if (p.clients.add(c)) c.tracking.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET and a closed connection. The client's ids in the key table are left to go lazily. */
  public void disable(Client c) {
    Session s = c.tracking;
    if (s == null) return;
    for (Key k : s.prefixes) {
      Prefix p = prefixes.get(k);
      if (p != null && p.clients.remove(c) && p.clients.isEmpty()) prefixes.remove(k);
    }
    c.tracking = null;
    clients--;
  }

  /** CLIENT CACHING yes|no, already checked against the client's mode. */
  public static void cacheNext(Client c) {
    c.tracking.caching = true;
  }

  // ---------------------------------------------------------------- hooks

  /** Client.call is about to run a command of c. */
  void enterCall(Client c) {
    calls++;
    if (depth++ == 0) current = c;
  }

  /** Client.call ran a command: a read-only one of a default-mode tracking client has its keys remembered. */
  void exitCall(Client c, CommandSpec spec, byte[][] argv) {
    if (c.tracking != null && !c.tracking.bcast && spec.has(CommandFlag.READONLY)) remember(c, spec, argv);
    if (--depth == 0) current = null;
  }

  /**
   * After each command of a client (Redis's afterCommand and resetClient): the client's
   * own invalidations go out after its reply, even under CLIENT REPLY OFF, as pushes do;
   * CLIENT CACHING holds for the next command only, or for the next transaction, and
   * CLIENT subcommands do not use it up.
   */
  void afterCommand(Client c) {
    if (!pending.isEmpty()) {
      List<Key> keys = new ArrayList<>(pending);
      pending.clear();
      if (!c.isClosed()) for (Key k : keys) send(c, k == null ? nullFor(c) : single(k));
    }
    if (c.tracking == null || !c.tracking.caching) return;
    if (c.inMulti() || c.isBlocked() || c.isPostponed() || c.lastCommand.startsWith("client|")) return;
    c.tracking.caching = false;
  }

  private void remember(Client c, CommandSpec spec, byte[][] argv) {
    Session s = c.tracking;
    if ((s.optin && !s.caching) || (s.optout && s.caching)) return;
    if (spec.has(CommandFlag.PUBSUB)) return;
    if (spec.has(CommandFlag.MOVABLEKEYS)) {
      List<Integer> at = CommandCmd.movableKeys(spec, argv);
      if (at != null) for (int p : at) remember(c, argv[p]);
    } else {
      for (int p : spec.keyPositions(argv.length)) remember(c, argv[p]);
    }
  }

  private void remember(Client c, byte[] name) {
    if (table.computeIfAbsent(new Key(name), k -> new LinkedHashSet<>()).add(c.id)) totalItems++;
  }

  /** Db.modified: Redis's trackingInvalidateKey for a key that really changed. */
  public void modified(Key key) {
    invalidate(key, true, current);
  }

  /**
   * Tells the clients that read the key, and forgets it. {@code bcast} also queues it
   * for the BCAST prefixes it falls under; {@code by} is the client the change comes
   * from, whom NOLOOP spares.
   */
  private void invalidate(Key key, boolean bcast, Client by) {
    if (bcast && !prefixes.isEmpty()) queueForBroadcast(key, by);
    if (table.isEmpty()) return;
    Set<Long> ids = table.remove(key);
    if (ids == null) return;
    totalItems -= ids.size();
    for (long id : ids) {
      Client t = node.client(id);
      if (t == null || t.tracking == null || t.tracking.bcast) continue;
      if (t.tracking.noloop && t == by) continue;
      if (t == current && depth > 0) pending.add(key);
      else send(t, single(key));
    }
  }

  private void queueForBroadcast(Key key, Client by) {
    boolean any = false;
    for (Map.Entry<Key, Prefix> e : prefixes.entrySet()) {
      byte[] p = e.getKey().bytes;
      if (p.length > key.bytes.length || !java.util.Arrays.equals(p, 0, p.length, key.bytes, 0, p.length)) continue;
      e.getValue().changed.put(key, by);
      any = true;
    }
    if (any && !broadcastScheduled) {
      broadcastScheduled = true;
      // A client's read sends them when it ends (Client.onData); changes outside one
      // (expiry, the master's stream) go out on the next turn of the loop.
      if (node.vertx() != null) node.vertx().runOnContext(v -> broadcast());
    }
  }

  /**
   * Db.flush: every tracking client is told that all keys are invalid, once per command
   * however many databases it empties (FLUSHALL), and the key table is dropped.
   */
  public void flushed() {
    if (lastFlushCall == calls) return;
    lastFlushCall = calls;
    if (clients > 0) {
      for (Client c : node.clients()) {
        if (c.tracking == null) continue;
        if (c == current) pending.add(null);
        else send(c, nullFor(c));
      }
    }
    table.clear();
    totalItems = 0;
  }

  /** Sends what BCAST prefixes collected: one message per prefix, NOLOOP clients without their own changes. */
  void broadcast() {
    if (!broadcastScheduled) return;
    broadcastScheduled = false;
    for (Prefix p : prefixes.values()) {
      if (p.changed.isEmpty()) continue;
      byte[] all = keysArray(p.changed, null);
      for (Client c : p.clients) {
        byte[] msg = c.tracking.noloop ? keysArray(p.changed, c) : all;
        if (msg != null) send(c, msg);
      }
      p.changed.clear();
    }
  }

  /**
   * tracking-table-max-keys: over the limit, keys are forgotten oldest first, their
   * readers invalidated as if the keys changed, with more effort each time the limit
   * could not be met (as Redis's trackingLimitUsedSlots, which picks at random).
   */
  void limit(Client by) {
    if (clients == 0) return;
    long max = node.config.getLong("tracking-table-max-keys");
    if (max == 0 || table.size() <= max) {
      limitRuns = 0;
      return;
    }
    int effort = 100 * (limitRuns + 1);
    while (effort-- > 0 && !table.isEmpty()) {
      Iterator<Key> it = table.keySet().iterator();
      invalidate(it.next(), false, by);
      if (table.size() <= max) {
        limitRuns = 0;
        return;
      }
    }
    limitRuns++;
  }

  // ---------------------------------------------------------------- delivery

  private static byte[] single(Key k) {
    ReplyWriter w = new ReplyWriter();
    w.array(1).bulk(k.bytes);
    return w.takeBytes();
  }

  private static byte[] nullFor(Client c) {
    return c.protocol() > 2 ? NULL3 : NULL2;
  }

  /** The array of changed keys, without those last changed by {@code except}; null if that leaves none. */
  private static byte[] keysArray(TreeMap<Key, Client> changed, Client except) {
    int n = 0;
    for (Client by : changed.values()) if (except == null || by != except) n++;
    if (n == 0) return null;
    ReplyWriter w = new ReplyWriter();
    w.array(n);
    for (Map.Entry<Key, Client> e : changed.entrySet()) {
      if (except == null || e.getValue() != except) w.bulk(e.getKey().bytes);
    }
    return w.takeBytes();
  }

  /** Redis's sendTrackingMessage: {@code value} is the RESP of the keys array (or a null). */
  private void send(Client c, byte[] value) {
    Session s = c.tracking;
    Client to = c;
    boolean redirected = false;
    if (s != null && s.redirect != 0) {
      to = node.client(s.redirect);
      if (to == null) {
        s.brokenRedirect = true;
        if (c.protocol() > 2) {
          c.reply().push(2).bulk(REDIR_BROKEN).integer(s.redirect);
          flushUnlessRunning(c);
        }
        return;
      }
      redirected = true;
    }
    if (to.protocol() > 2) {
      to.reply().push(2).bulk(INVALIDATE);
    } else if (redirected && to.isSubscribed()) {
      to.reply().array(3).bulk(MESSAGE).bulk(CHANNEL);
    } else {
      return; // a RESP2 connection cannot take a push among its replies
    }
    to.reply().raw(value);
    flushUnlessRunning(to);
  }

  /** A client whose read is being processed writes at its end; any other one now. */
  private static void flushUnlessRunning(Client c) {
    if (!c.inRead) c.flush();
  }
}
