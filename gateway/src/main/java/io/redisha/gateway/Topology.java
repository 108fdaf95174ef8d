package io.redisha.gateway;

import io.redisha.gateway.GatewayConfig.HostPort;
import io.redisha.resp.RespValue;
import io.redisha.util.Log;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the master and the usable replicas are, as the gateway believes it.
 *
 * <p>Signals, because each alone fails somewhere: the sentinels' answers (asked every
 * check interval; when they disagree, the highest config-epoch wins; see
 * {@link #askSentinels} for why get-master-addr-by-name gives the address), their pub/sub
 * events (+switch-master and friends trigger a check at once; missed messages are
 * covered by the periodic check), and the data path itself (a READONLY or LOADING
 * reply, or a lost master connection, trigger a check at once).
 *
 * <p>Without sentinels (a static setup), the candidates are the configured nodes
 * themselves, asked ROLE each check: see {@link #askConfiguredNodes} for how a manual
 * switchover is followed and when two nodes both saying master hold the writes.
 *
 * <p>Fencing: a node becomes the write target only after it answered ROLE with
 * "master". While the sentinels name a node that does not (yet) say so, or that does
 * not answer, there is no master: commands for it wait in the clients, up to
 * failover-hold-ms.
 *
 * <p>Replicas get reads only while the master's INFO replication lists them online and,
 * with max-replica-lag-bytes, within that many bytes of the master's offset, and their
 * own INFO replication says their link to the master is up (which also keeps a
 * returning old master away from reads until it has synced).
 *
 * <p>Everything here runs on the gateway's single event loop.
 */
final class Topology {

  /** Where we are with the master. */
  enum State {
    /** Nothing confirmed yet since start. */
    DISCOVERING,
    /** A confirmed master receives writes. */
    SERVING,
    /** The master was lost or demoted; writes wait for a new one. */
    NO_MASTER
  }

  /** A replica usable for reads, and how far its data is known to reach (read-your-writes). */
  static final class Replica {
    final HostPort addr;
    /** Every write acknowledged before this instant (System.nanoTime()) is on the replica. */
    long coveredUntilNanos = Long.MIN_VALUE;
    long lagBytes;
    /** Smoothed round trip of the topology's probe, for least-latency (ns; 0 = not measured). */
    long rttNanos;
    /** Read weight (replica-weight); 0: reads only when no replica with a positive weight is usable. */
    int weight = 1;

    Replica(HostPort addr) {
      this.addr = addr;
    }
  }

  private final Gateway gateway;
  private final GatewayConfig config;
  private final NetClient netClient;
  private final Log log;

  State state = State.DISCOVERING;
  long stateSinceNanos = System.nanoTime();
  /** The confirmed master, or null. Bumping generation retires connections to the old one. */
  HostPort master;
  long generation;
  final List<Replica> replicas = new ArrayList<>();
  /** Bumped whenever {@link #replicas} changes, so that clients re-pick their replica. */
  long replicaSetVersion;
  long failovers;
  /** For the metrics: times the master was lost, the last time without one, when the current one came. */
  long masterLosses;
  long lastOutageNanos;
  long lastMasterChangeMs;

  private final Map<HostPort, RespLink> sentinelLinks = new HashMap<>();
  private final Map<HostPort, RespLink> sentinelSubs = new HashMap<>();
  private final Map<HostPort, RespLink> replicaLinks = new HashMap<>();
  /** Static setups: one ROLE link per configured node. */
  private final Map<HostPort, RespLink> nodeLinks = new HashMap<>();
  /** Every replica seen, so that its measurements outlive a check in which it was not usable. */
  private final Map<HostPort, Replica> known = new HashMap<>();
  private RespLink masterLink;
  private HostPort masterLinkAddr;
  private boolean checking;
  /** The last node fenced off for not answering ROLE with master, so that each is logged once. */
  private HostPort lastFenced;
  /** The master before the current one or before the outage, for the log. */
  private HostPort lastMaster;
  private String lastNoMasterWhy;
  /** Counts checks as they start, so that the gateway can tell a check begun after an event. */
  long checkSeq;
  private boolean recheckWanted;
  /** (sendNanos, master offset) samples, for read-your-writes coverage. */
  private final ArrayDeque<long[]> offsetSamples = new ArrayDeque<>();

  Topology(Gateway gateway, GatewayConfig config, NetClient netClient, Log log) {
    this.gateway = gateway;
    this.config = config;
    this.netClient = netClient;
    this.log = log;
  }

  private void transition(State to, String reason) {
    if (state == to) return;
    log.notice("Topology " + state + " -> " + to + ": " + reason);
    state = to;
    stateSinceNanos = System.nanoTime();
  }

  /** How long the topology waits for one answer before it drops the link. */
  private long linkTimeout() {
    return Math.max(500, config.settings.getLong("check-interval-ms"));
  }

  /** Asks again now (or as soon as the running check ends). */
  void recheck(String why) {
    // One line per re-check actually started or queued; a burst of triggers (every
    // client's refused write) is one step.
    if (checking) {
      if (!recheckWanted) log.notice("Re-checking the topology after the current check: " + why);
      else log.debug("Re-check already queued: " + why);
      recheckWanted = true;
      return;
    }
    log.notice("Re-checking the topology now: " + why);
    check();
  }

  /** A re-check for a repeated trigger already logged. */
  void recheckQuietly() {
    if (checking) {
      recheckWanted = true;
      return;
    }
    check();
  }

  /** The periodic check; also the immediate one. */
  void check() {
    if (checking || gateway.stopping) return;
    checking = true;
    long seq = ++checkSeq;
    long limit = config.settings.getLong("check-interval-ms") * 3;
    Future<List<HostPort>> candidates = config.sentinels.isEmpty() ? askConfiguredNodes(limit) : askSentinels(limit);
    candidates.compose(c -> confirmFirst(c, 0, limit, null))
        .onComplete(ar -> {
          if (gateway.stopping) return;
          HostPort confirmed = ar.succeeded() ? ar.result() : null;
          apply(confirmed, ar.failed() ? ar.cause().getMessage() : "not confirmed", seq);
          Future<Void> rep = confirmed == null ? Future.succeededFuture() : refreshReplicas(confirmed);
          rep.onComplete(x -> {
            checking = false;
            if (recheckWanted) {
              recheckWanted = false;
              check();
            }
          });
        });
  }

  private void apply(HostPort confirmed, String why, long seq) {
    if (confirmed != null) {
      if (confirmed.equals(master)) gateway.masterReconfirmed(seq);
      if (!confirmed.equals(master)) {
        if (master != null) failovers++;
        HostPort was = master != null ? master : lastMaster;
        log.notice("Master is now " + confirmed + (was == null ? "" : " (was " + was + ")"));
        lastMaster = confirmed;
        master = confirmed;
        generation++;
        replicas.clear();
        replicaSetVersion++;
        known.clear();
        offsetSamples.clear();
        gateway.onMasterChanged();
      }
      if (state == State.NO_MASTER) {
        lastOutageNanos = System.nanoTime() - stateSinceNanos;
        lastMasterChangeMs = System.currentTimeMillis();
      }
      transition(State.SERVING, "master " + confirmed + " confirmed by ROLE");
      gateway.onMasterAvailable();
    } else if (master == null && !Objects.equals(why, lastNoMasterWhy)) {
      // Each different reason once: during an outage every check fails, mostly alike.
      log.notice("No master confirmed by this check: " + why);
    }
    if (confirmed == null) lastNoMasterWhy = why;
    else lastNoMasterWhy = null;
    if (confirmed == null && (master != null || state == State.DISCOVERING)) {
      if (master != null) {
        log.warning("Master " + master + " not usable: " + why);
        masterLosses++;
      }
      master = null;
      generation++;
      gateway.onMasterChanged();
      transition(State.NO_MASTER, why);
    }
  }

  /** The first candidate ROLE confirms as master, in order. */
  private Future<HostPort> confirmFirst(List<HostPort> candidates, int i, long limitMs, Throwable last) {
    if (i >= candidates.size()) return Future.failedFuture(last != null ? last : new IllegalStateException("no candidate"));
    return confirmMaster(candidates.get(i), limitMs).recover(e -> confirmFirst(candidates, i + 1, limitMs, e));
  }

  // ---------------------------------------------------------------- static setups

  /**
   * Static setups: ROLE on every configured node ({@code master} and {@code replica}
   * lines alike), so that a switchover made by hand (REPLICAOF, FAILOVER) is followed.
   * The one node saying master is the candidate. Two or more saying master at once
   * (mid-switchover: the promoted replica already does, the old master not yet replica)
   * are told apart by the other reachable nodes: the one most of them name as their
   * master in ROLE wins. A tie, or no vote at all, names nobody: writes are then held
   * (failover-hold-ms) rather than sent to a node that may be demoted next and discard
   * them in its resync. The candidate still goes through {@link #confirmMaster}.
   */
  private Future<List<HostPort>> askConfiguredNodes(long limitMs) {
    List<HostPort> nodes = config.staticNodes();
    List<Future<RespValue>> roles = new ArrayList<>();
    for (HostPort n : nodes) roles.add(nodeLink(n, limitMs).compose(l -> l.call("ROLE")));
    return Future.join(roles).transform(ar -> {
      List<HostPort> masters = new ArrayList<>();
      Map<HostPort, Integer> votes = new HashMap<>();
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        HostPort n = nodes.get(i);
        Future<RespValue> f = roles.get(i);
        RespValue r = f.succeeded() ? f.result() : null;
        if (r == null || !r.isAggregate() || r.size() == 0) {
          seen.add(n + " " + (r == null ? "unreachable" : r.toString()));
          continue;
        }
        try {
          String role = r.get(0).asString();
          if (role.equals("master")) {
            masters.add(n);
            seen.add(n + " master");
          } else if (role.equals("slave") && r.size() >= 3) {
            HostPort named = new HostPort(r.get(1).asString(), (int) r.get(2).asLong());
            votes.merge(named, 1, Integer::sum);
            seen.add(n + " replica of " + named);
          } else {
            seen.add(n + " " + role);
          }
        } catch (RuntimeException e) {
          seen.add(n + " " + r);
        }
      }
      if (masters.size() == 1) return Future.succeededFuture(masters);
      if (masters.isEmpty()) return Future.failedFuture("no configured node reports itself master (ROLE: " + String.join(", ", seen) + ")");
      HostPort best = null;
      int bestVotes = 0;
      boolean tie = false;
      for (HostPort m : masters) {
        int v = votes.getOrDefault(m, 0);
        if (v > bestVotes) {
          best = m;
          bestVotes = v;
          tie = false;
        } else if (v == bestVotes) {
          tie = true;
        }
      }
      if (best == null || tie) {
        return Future.failedFuture("ambiguous: " + masters + " all report master and the other nodes do not settle which one"
            + " (ROLE: " + String.join(", ", seen) + "); writes are held");
      }
      return Future.succeededFuture(List.of(best));
    });
  }

  private Future<RespLink> nodeLink(HostPort n, long limitMs) {
    RespLink l = nodeLinks.get(n);
    if (l != null && !l.closed() && !l.overdue(limitMs)) return Future.succeededFuture(l);
    if (l != null) l.close();
    nodeLinks.remove(n);
    return RespLink.open(gateway.vertx, netClient, n, config.backendPass(), linkTimeout()).onSuccess(x -> nodeLinks.put(n, x));
  }

  // ---------------------------------------------------------------- sentinels

  /**
   * Asks every sentinel, on one link each, SENTINEL MASTER (for the config-epoch) and
   * get-master-addr-by-name (for the address). The latter names the promoted replica as
   * soon as the failover leader has seen it take the role, which is before it publishes
   * +switch-master and before SENTINEL MASTER shows the new address (redis-sentinel
   * answers so from the reconfiguration of the other replicas on, and that can last a
   * second or more). The leader's epoch is the failover's by then, so it wins.
   */
  private Future<List<HostPort>> askSentinels(long limitMs) {
    String name = config.settings.getString("master-name");
    List<Future<RespValue>> answers = new ArrayList<>();
    List<Future<RespValue>> addrs = new ArrayList<>();
    for (HostPort s : config.sentinels) {
      ensureSubscription(s);
      Future<RespLink> link = sentinelLink(s, limitMs);
      answers.add(link.compose(l -> l.call("SENTINEL", "MASTER", name)));
      addrs.add(link.compose(l -> l.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)));
    }
    List<Future<RespValue>> all = new ArrayList<>(answers);
    all.addAll(addrs);
    return Future.join(all).transform(ar -> {
      // Candidates of the highest config-epoch only (a lower one is a sentinel that has
      // not heard of the latest failover), a failover leader's promoted replica first
      // (its get-master-addr-by-name differs from its SENTINEL MASTER), then in the order
      // the sentinels are configured. Each still has to answer ROLE with master.
      long bestEpoch = Long.MIN_VALUE;
      List<HostPort> promoted = new ArrayList<>();
      List<HostPort> plain = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        Future<RespValue> f = answers.get(i);
        if (f.failed() || f.result().isError() || !f.result().isAggregate()) continue;
        try {
          Map<String, RespValue> m = f.result().asMap();
          long epoch = m.get("config-epoch").asLong();
          HostPort listed = new HostPort(m.get("ip").asString(), (int) m.get("port").asLong());
          HostPort addr = listed;
          Future<RespValue> a = addrs.get(i);
          if (a.succeeded() && a.result().isAggregate() && a.result().size() == 2) {
            addr = new HostPort(a.result().get(0).asString(), Integer.parseInt(a.result().get(1).asString()));
          }
          if (epoch < bestEpoch) continue;
          if (epoch > bestEpoch) {
            bestEpoch = epoch;
            promoted.clear();
            plain.clear();
          }
          List<HostPort> into = addr.equals(listed) ? plain : promoted;
          if (!promoted.contains(addr) && !plain.contains(addr)) into.add(addr);
        } catch (RuntimeException e) {
          log.warning("Unexpected SENTINEL MASTER reply: " + f.result());
        }
      }
      promoted.addAll(plain);
      if (promoted.isEmpty()) return Future.failedFuture("no sentinel answered for " + name);
      return Future.succeededFuture(promoted);
    });
  }

  private Future<RespLink> sentinelLink(HostPort s, long limitMs) {
    RespLink l = sentinelLinks.get(s);
    if (l != null && !l.closed() && !l.overdue(limitMs)) return Future.succeededFuture(l);
    if (l != null) l.close();
    sentinelLinks.remove(s);
    return RespLink.open(gateway.vertx, netClient, s, config.settings.getString("sentinel-auth-pass"), linkTimeout()).onSuccess(x -> sentinelLinks.put(s, x));
  }

  private void ensureSubscription(HostPort s) {
    RespLink l = sentinelSubs.get(s);
    if (l != null && !l.closed()) return;
    sentinelSubs.put(s, null);
    RespLink.open(gateway.vertx, netClient, s, config.settings.getString("sentinel-auth-pass"), linkTimeout()).onComplete(ar -> {
      if (ar.failed()) {
        sentinelSubs.remove(s);
        return;
      }
      RespLink sub = ar.result();
      sentinelSubs.put(s, sub);
      sub.onPush(v -> {
        if (v.isAggregate() && v.size() >= 3 && v.get(0).is("message")) {
          String event = v.get(1).asString();
          String payload = v.get(2).asString();
          // Events about the master are failover steps; replicas coming and going are routine.
          boolean aboutMaster = event.equals("+switch-master") || event.equals("+promoted-slave") || event.equals("+failover-end")
              || payload.startsWith("master ");
          log.log(aboutMaster ? Log.Level.NOTICE : Log.Level.VERBOSE, "Sentinel " + s + " reports " + event + " " + payload);
          recheck("sentinel " + s + " event " + event);
        }
      });
      // +promoted-slave: from then on the leader's get-master-addr-by-name names the new
      // master, well before +switch-master.
      sub.send("SUBSCRIBE", "+switch-master", "+promoted-slave", "+failover-state-reconf-slaves", "+sdown", "-sdown",
          "+odown", "+slave", "+convert-to-slave", "+failover-end");
    });
  }

  // ---------------------------------------------------------------- fencing and replicas

  /** ROLE must say master, else the node gets no writes. */
  private Future<HostPort> confirmMaster(HostPort c, long limitMs) {
    return masterLink(c, limitMs).compose(l -> l.call("ROLE")).compose(r -> {
      if (r.isAggregate() && r.size() > 0 && r.get(0).is("master")) {
        if (!c.equals(master)) {
          learnDatabases(c);
          log.notice("ROLE on " + c + " says master: confirmed");
        }
        if (c.equals(lastFenced)) lastFenced = null;
        return Future.succeededFuture(c);
      }
      masterLinkDrop();
      String role = r.isAggregate() && r.size() > 0 ? r.get(0).asString() : String.valueOf(r);
      if (r.isAggregate() && r.size() >= 3 && !role.equals("master")) role += " of " + r.get(1).asString() + ":" + r.get(2).asString();
      if (!c.equals(lastFenced)) {
        log.warning("Fenced " + c + ": ROLE says " + role + "; it gets no writes");
        lastFenced = c;
      }
      return Future.failedFuture(c + " does not report itself master (ROLE: " + role + ")");
    });
  }

  /** SELECT is answered by the gateway, so it needs the master's database count. */
  private void learnDatabases(HostPort c) {
    if (masterLink == null) return;
    masterLink.call("CONFIG", "GET", "databases").onSuccess(v -> {
      if (v.isAggregate() && v.size() >= 2) {
        try {
          gateway.databases = (int) v.get(1).asLong();
        } catch (RuntimeException e) {
          log.warning("Unexpected CONFIG GET databases reply from " + c + ": " + v);
        }
      }
    });
  }

  private Future<RespLink> masterLink(HostPort c, long limitMs) {
    if (masterLink != null && c.equals(masterLinkAddr) && !masterLink.closed() && !masterLink.overdue(limitMs)) {
      return Future.succeededFuture(masterLink);
    }
    masterLinkDrop();
    return RespLink.open(gateway.vertx, netClient, c, config.backendPass(), linkTimeout()).onSuccess(l -> {
      masterLink = l;
      masterLinkAddr = c;
    });
  }

  private void masterLinkDrop() {
    if (masterLink != null) masterLink.close();
    masterLink = null;
    masterLinkAddr = null;
  }

  /** Reads the master's INFO replication: who is online and how far behind. */
  private Future<Void> refreshReplicas(HostPort m) {
    if (masterLink == null || !m.equals(masterLinkAddr)) return Future.succeededFuture();
    long sent = System.nanoTime();
    return masterLink.call("INFO", "replication").compose(r -> {
      if (r.isError()) return Future.<Void>succeededFuture();
      return probe(parseReplication(r.asString(), sent));
    }).recover(e -> Future.succeededFuture());
  }

  /**
   * Asks each candidate replica itself (INFO replication): it gets reads only if it says
   * its link to the master is up. The round trip feeds the least-latency policy.
   */
  private Future<Void> probe(List<Replica> candidates) {
    List<Future<Boolean>> answers = new ArrayList<>();
    for (Replica r : candidates) {
      long t0 = System.nanoTime();
      answers.add(replicaLink(r.addr).compose(l -> l.call("INFO", "replication")).map(v -> {
        long rtt = System.nanoTime() - t0;
        r.rttNanos = r.rttNanos == 0 ? rtt : (r.rttNanos * 3 + rtt) / 4;
        return !v.isError() && v.asString().contains("master_link_status:up");
      }).otherwise(e -> false));
    }
    return Future.join(answers).transform(ar -> {
      List<Replica> next = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        if (Boolean.TRUE.equals(answers.get(i).result())) next.add(candidates.get(i));
      }
      boolean changed = next.size() != replicas.size();
      for (int i = 0; !changed && i < next.size(); i++) changed = !Objects.equals(next.get(i).addr, replicas.get(i).addr);
      replicas.clear();
      replicas.addAll(next);
      if (changed) replicaSetVersion++;
      if (changed) log.notice("Replicas serving reads: " + next.stream().map(x -> x.addr.toString()).toList());
      return Future.<Void>succeededFuture();
    });
  }

  private Future<RespLink> replicaLink(HostPort addr) {
    RespLink l = replicaLinks.get(addr);
    if (l != null && !l.closed()) return Future.succeededFuture(l);
    replicaLinks.remove(addr);
    return RespLink.open(gateway.vertx, netClient, addr, config.backendPass(), linkTimeout())
        .onSuccess(x -> replicaLinks.put(addr, x));
  }

  private List<Replica> parseReplication(String info, long sentNanos) {
    long masterOffset = 0;
    List<String[]> found = new ArrayList<>();
    for (String line : info.split("\r\n")) {
      if (line.startsWith("master_repl_offset:")) masterOffset = Long.parseLong(line.substring(19).trim());
      if (line.startsWith("slave") && line.contains(":ip=")) {
        Map<String, String> f = new HashMap<>();
        for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
          int eq = kv.indexOf('=');
          if (eq > 0) f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        found.add(new String[] {f.get("ip"), f.get("port"), f.get("state"), f.get("offset")});
      }
    }
    offsetSamples.add(new long[] {sentNanos, masterOffset});
    while (offsetSamples.size() > 64) offsetSamples.poll();
    long maxLag = config.settings.getLong("max-replica-lag-bytes");
    List<Replica> next = new ArrayList<>();
    for (String[] f : found) {
      if (f[0] == null || f[1] == null || !"online".equals(f[2])) continue;
      HostPort addr = new HostPort(f[0], Integer.parseInt(f[1]));
      long offset = f[3] == null ? 0 : Long.parseLong(f[3]);
      long lag = Math.max(0, masterOffset - offset);
      if (maxLag > 0 && lag > maxLag) continue;
      Replica r = known.computeIfAbsent(addr, Replica::new);
      r.lagBytes = lag;
      r.weight = config.replicaWeight(addr);
      // Writes acknowledged before a sample was asked for have offsets up to that sample's
      // master offset; once the replica's acknowledged offset passes it, they are all there.
      for (long[] s : offsetSamples) {
        if (s[1] <= offset) r.coveredUntilNanos = Math.max(r.coveredUntilNanos, s[0]);
      }
      next.add(r);
    }
    return next;
  }

  void close() {
    for (RespLink l : sentinelLinks.values()) if (l != null) l.close();
    for (RespLink l : sentinelSubs.values()) if (l != null) l.close();
    for (RespLink l : replicaLinks.values()) l.close();
    for (RespLink l : nodeLinks.values()) l.close();
    masterLinkDrop();
  }
}
