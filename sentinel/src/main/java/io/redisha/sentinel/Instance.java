package io.redisha.sentinel;

import io.redisha.util.Log;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance this sentinel knows about: a monitored master, one of its replicas, or
 * another sentinel watching it. One class for all three, as in Redis, because the
 * monitoring (links, PING, SDOWN) is the same; the fields below the banners apply to
 * one kind only. All times are epoch milliseconds of this sentinel's clock, 0 = never.
 */
final class Instance {

  final Kind kind;
  /** Master: its configured name. Replica: "ip:port". Sentinel: its run id. */
  String name;
  String ip;
  int port;
  /** As reported by INFO (or the hello message for sentinels); "" until known. */
  String runId = "";
  final EnumSet<InstanceFlag> flags = EnumSet.noneOf(InstanceFlag.class);
  /** The master this replica or sentinel belongs to; null for masters. */
  final Instance master;

  InstanceLink cmdLink;
  InstanceLink pubsubLink;
  /** Time the oldest unanswered PING was sent; 0 when none is outstanding. */
  long actPingTime;
  long lastPingSent;
  long lastOkPing;
  long lastPingReply;
  /** Last time the instance was known reachable: a valid PING reply or a fresh link. */
  long lastAvail;
  long infoRefresh;
  long lastInfoSent;
  Kind roleReported;
  long roleReportedTime;
  long linkDownSince;
  long lastHelloSent;
  long sdownSince;
  String infoCache = "";

  // ---- replicas: what their INFO says
  long masterLinkDownMs;
  boolean masterLinkUp;
  String masterHost = "?";
  int masterPort;
  int priority = 100;
  long replOffset;
  boolean replicaAnnounced = true;
  long reconfSentTime;

  // ---- sentinels
  long lastHello;
  /** Whom this sentinel voted for (from its is-master-down-by-addr reply), "?" if unknown. */
  String leader;
  long leaderEpoch;
  long lastMasterDownReply;
  long lastAskTime;

  // ---- masters: configuration
  int quorum;
  long downAfter = 30_000;
  int parallelSyncs = 1;
  long failoverTimeout = 180_000;
  String authPass;
  String authUser;
  String notificationScript;
  String clientReconfigScript;
  long configEpoch;
  final Map<String, Instance> replicas = new LinkedHashMap<>();
  final Map<String, Instance> sentinels = new LinkedHashMap<>();

  // ---- masters: failover
  FailoverState failoverState = FailoverState.NONE;
  long failoverStateChange;
  long failoverEpoch;
  /** When the last failover attempt began, ours or one we voted for; throttles retries. */
  long failoverStartTime;
  /** Earliest time this sentinel may start a failover: a random delay desynchronises peers. */
  long failoverDelayUntil;
  Instance promoted;
  /** Our vote in leaderEpoch: whom we voted for. */
  String myVote;
  long myVoteEpoch;
  long odownSince;
  long lastSwitch;
  /** Our address as the master's links see it, announced in hellos unless announce-ip is set. */
  String announceLocalIp;

  Instance(Kind kind, String name, String ip, int port, Instance master) {
    this.kind = kind;
    this.name = name;
    this.ip = ip;
    this.port = port;
    this.master = master;
  }

  String addr() {
    return ip + ":" + port;
  }

  /** Redis's "%@" event prefix: "master name ip port" or "slave ip:port ip port @ name mip mport". */
  String describe() {
    return Log.legacyText(parts());
  }

  /** As redis-sentinel names an instance in events: {@code slave <name> <ip> <port> @ <master> <ip> <port>}. */
  Log.Part[] parts() {
    if (master == null) {
      return new Log.Part[] {Log.kv("instance", kind.redisName), Log.kv("name", name), Log.kv("ip", ip), Log.kv("port", port)};
    }
    return new Log.Part[] {Log.kv("instance", kind.redisName), Log.kv("name", name), Log.kv("ip", ip), Log.kv("port", port),
        Log.text("@"), Log.kv("master", master.name), Log.kv("master_ip", master.ip), Log.kv("master_port", master.port)};
  }

  boolean linkDisconnected() {
    return cmdLink == null || !cmdLink.connected() || (kind != Kind.SENTINEL && (pubsubLink == null || !pubsubLink.connected()));
  }

  void closeLinks() {
    if (cmdLink != null) cmdLink.close();
    if (pubsubLink != null) pubsubLink.close();
    cmdLink = null;
    pubsubLink = null;
  }

  boolean sdown() {
    return flags.contains(InstanceFlag.SDOWN);
  }
}
