package io.redisha.node;

import io.redisha.command.CommandSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH with redis-server's semantics: an error while
 * queueing (unknown command, wrong arity) aborts EXEC with EXECABORT; a runtime error
 * of one queued command is that command's reply and the others still run; a WATCHed
 * key modified by anyone before EXEC makes EXEC return a null array.
 */
public final class Transactions {

  /** A watched key of one database. */
  record Watched(int db, Key key) {}

  private final Map<Watched, Set<Client>> watchers = new HashMap<>();

  void register(Node node, Commands commands) {
    commands.register("multi", (c, argv) -> {
      if (c.multiQueue != null) {
        c.error("ERR MULTI calls can not be nested");
        return;
      }
      c.multiQueue = new ArrayList<>();
      c.multiError = false;
      c.reply().ok();
    });
    commands.register("discard", (c, argv) -> {
      if (c.multiQueue == null) {
        c.error("ERR DISCARD without MULTI");
        return;
      }
      discard(c);
      c.reply().ok();
    });
    commands.register("exec", this::exec);
    commands.register("watch", (c, argv) -> {
      if (c.multiQueue != null) {
        c.error("ERR WATCH inside MULTI is not allowed");
        return;
      }
      for (int i = 1; i < argv.length; i++) {
        Watched w = new Watched(c.db.id, new Key(argv[i]));
        if (c.watched.add(w)) watchers.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(c);
      }
      c.reply().ok();
    });
    commands.register("unwatch", (c, argv) -> {
      unwatchAll(c);
      c.reply().ok();
    });
  }

  /** Commands that run at once even inside MULTI. */
  static boolean runsImmediately(CommandSpec spec) {
    return switch (spec.name()) {
      case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
      default -> false;
    };
  }

  private void exec(Client c, byte[][] argv) {
    if (c.multiQueue == null) {
      c.error("ERR EXEC without MULTI");
      return;
    }
    if (c.multiError) {
      discard(c);
      c.error("EXECABORT Transaction discarded because of previous errors.");
      return;
    }
    if (c.dirtyCas) {
      discard(c);
      c.reply().nullArray();
      return;
    }
    List<Client.Queued> queue = c.multiQueue;
    c.multiQueue = null;
    unwatchAll(c);
    c.reply().array(queue.size());
    c.inExec = true;
    try {
      for (Client.Queued q : queue) c.call(q.spec(), q.handler(), q.argv());
    } finally {
      c.inExec = false;
    }
    // The queued writes propagated themselves, as one unit that Propagation wraps in MULTI/EXEC.
    c.propagateAs();
  }

  void discard(Client c) {
    c.multiQueue = null;
    c.multiError = false;
    unwatchAll(c);
  }

  void unwatchAll(Client c) {
    for (Watched w : c.watched) {
      Set<Client> s = watchers.get(w);
      if (s != null) {
        s.remove(c);
        if (s.isEmpty()) watchers.remove(w);
      }
    }
    c.watched.clear();
    c.dirtyCas = false;
  }

  /** Redis's touchWatchedKey: every client watching the key will fail its EXEC. */
  void touch(Db db, Key key) {
    if (watchers.isEmpty()) return;
    Set<Client> s = watchers.get(new Watched(db.id, key));
    if (s != null) for (Client c : s) c.dirtyCas = true;
  }

  /** FLUSHDB/FLUSHALL/SWAPDB: every watched key of the database that exists is touched. */
  void touchAll(Db db) {
    if (watchers.isEmpty()) return;
    for (Map.Entry<Watched, Set<Client>> e : watchers.entrySet()) {
      if (e.getKey().db() == db.id && db.dict.containsKey(e.getKey().key())) {
        for (Client c : e.getValue()) c.dirtyCas = true;
      }
    }
  }
}
