package io.redisha.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Clients blocked on keys (BLPOP, BRPOP, BLMOVE, BZPOPMIN...), served in the order
 * they blocked, as redis-server does: a command that pushes to a key marks it ready
 * with {@link #signalReady}, and after the pushing command the dispatcher calls
 * {@link #serveReadyKeys}, which retries each waiting client's command.
 */
public final class Blocking {

  /** Tries to serve a blocked client now; replies and returns true if it could. */
  public interface Attempt {
    boolean tryServe(Client c);
  }

  /** One blocked command: its keys, how to retry it, and how to answer a timeout. */
  static final class Request {
    final Client client;
    final int db;
    final List<Key> keys;
    final Attempt attempt;
    final Runnable onTimeout;
    /** The blocked command's arguments, so a BGSAVE snapshot can capture all its keys before it is served. */
    final byte[][] argv;
    long timer = -1;

    Request(Client client, List<Key> keys, Attempt attempt, Runnable onTimeout) {
      this.client = client;
      this.db = client.db.id;
      this.keys = keys;
      this.attempt = attempt;
      this.onTimeout = onTimeout;
      this.argv = client.currentArgv;
    }
  }

  private final Node node;
  private final Map<Transactions.Watched, ArrayDeque<Request>> waiting = new HashMap<>();
  private final Set<Transactions.Watched> ready = new LinkedHashSet<>();
  private int blockedCount;
  /** The key being served while serveReadyKeys runs an attempt, else null. */
  private Key servingKey;

  Blocking(Node node) {
    this.node = node;
  }

  /**
   * Blocks the client until one of the keys can serve it or the timeout (in ms, 0 for
   * none) passes, when {@code onTimeout} replies (usually a null array).
   */
  public void block(Client c, List<Key> keys, long timeoutMs, Attempt attempt, Runnable onTimeout) {
    Request r = new Request(c, keys, attempt, onTimeout);
    c.blocked = r;
    c.socket.pause();
    blockedCount++;
    for (Key k : keys) waiting.computeIfAbsent(new Transactions.Watched(r.db, k), x -> new ArrayDeque<>()).add(r);
    if (timeoutMs > 0) {
      r.timer = node.vertx().setTimer(timeoutMs, t -> {
        if (c.blocked != r) return;
        unblock(c);
        r.onTimeout.run();
        c.flush();
        c.resumePending();
      });
    }
  }

  /** A key may now serve blocked clients: a list, zset or stream was pushed to. */
  public void signalReady(Db db, Key key) {
    if (waiting.isEmpty()) return;
    Transactions.Watched w = new Transactions.Watched(db.id, key);
    if (waiting.containsKey(w)) ready.add(w);
  }

  /** Serves clients on the keys made ready by the command that just ran. */
  void serveReadyKeys() {
    while (!ready.isEmpty()) {
      Transactions.Watched w = ready.iterator().next();
      ready.remove(w);
      ArrayDeque<Request> q = waiting.get(w);
      if (q == null) continue;
      for (Request r : new ArrayList<>(q)) {
        Client c = r.client;
        if (c.blocked != r) continue;
        // A blocked client cannot SELECT, so c.db is still the database it blocked in.
        servingKey = w.key();
        node.persistence.beforeServe(c, r.argv);
        boolean served;
        // Serving is a propagation unit of its own: the attempt says what it did with propagateAs.
        node.propagation.enter();
        try {
          served = r.attempt.tryServe(c);
        } finally {
          servingKey = null;
          node.propagation.exit();
        }
        if (!served) break;
        unblock(c);
        c.flush();
        c.resumePending();
      }
    }
  }

  /**
   * The key whose push is being served, for an attempt to pop from it first, as Redis
   * serves a client blocked on several keys from the one that became ready; null
   * outside serving.
   */
  public Key servingKey() {
    return servingKey;
  }

  /** Forgets the client's blocked command without replying. */
  void unblock(Client c) {
    Request r = c.blocked;
    if (r == null) return;
    c.blocked = null;
    blockedCount--;
    if (r.timer >= 0) node.vertx().cancelTimer(r.timer);
    for (Key k : r.keys) {
      Transactions.Watched w = new Transactions.Watched(r.db, k);
      ArrayDeque<Request> q = waiting.get(w);
      if (q != null) {
        q.remove(r);
        if (q.isEmpty()) waiting.remove(w);
      }
    }
  }

  /** CLIENT UNBLOCK: answers the timeout reply (or an error) at once. */
  public boolean unblockWith(Client c, boolean error) {
    Request r = c.blocked;
    if (r == null) return false;
    unblock(c);
    if (error) c.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else r.onTimeout.run();
    c.flush();
    c.resumePending();
    return true;
  }

  public int blockedClients() {
    return blockedCount;
  }
}
