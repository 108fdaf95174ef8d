/**
 * The RESP gateway: one address for applications, in front of a master and its
 * replicas, following the master through failovers.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>{@link io.redisha.gateway.GatewayConfig}: the directives (redis.conf style).</li>
 *   <li>{@link io.redisha.gateway.Gateway}: the event loop, per-pass write batching, the
 *       shared backend connections, routing by read policy.</li>
 *   <li>{@link io.redisha.gateway.ClientConn}: one application connection: parsing,
 *       the reply queue in request order, session state, what the gateway answers itself.</li>
 *   <li>{@link io.redisha.gateway.BackendConn}: one connection to a node: batched
 *       requests, replies framed without objects, what a lost connection means.</li>
 *   <li>{@link io.redisha.gateway.Topology}: sentinels, ROLE fencing, replicas and lag.</li>
 * </ul>
 *
 * <h2>What a client can rely on</h2>
 * <ul>
 *   <li><b>Order.</b> Replies come back in request order. A client's commands run in the
 *       order sent: its next command goes to another backend connection only once every
 *       reply owed by the current one has arrived.</li>
 *   <li><b>Routing.</b> Commands flagged write, and every command flagged neither write
 *       nor read-only (admin, pub/sub, scripting, unknown commands), go to the master.
 *       Read-only commands go by {@code read-policy}: {@code master} (default: no split),
 *       {@code replica} and {@code prefer-replica} (the same routing under two names: each
 *       client is given one replica, the master when none is usable), {@code round-robin}
 *       (clients spread over the replicas and the master), {@code least-latency} (every
 *       read to the replica with the lowest smoothed round trip of the topology's probes,
 *       divided by its weight).</li>
 *   <li><b>Weights.</b> {@code replica <host> <port> <weight>} or {@code replica-weight
 *       <host> <port> <weight>} (default 1). Clients are given replicas by a smooth weighted
 *       round-robin (nginx's), so replicas weighted 3:1 get three clients in four and one in
 *       four, interleaved; under round-robin the master counts as weight 1. A client keeps
 *       its replica until the set of usable replicas changes, so the split is over clients,
 *       not requests: a few very busy clients skew it. Weight 0: no reads while a replica
 *       with a positive weight is usable; then it comes before the master.</li>
 *   <li><b>Databases.</b> SELECT is answered by the gateway (range checked against the
 *       master's {@code databases}, read with CONFIG GET when it is confirmed) and selects which shared connection carries the client's commands:
 *       there is one shared connection per node, db and protocol, each opened with
 *       SELECT (and HELLO 3) once. No SELECT is ever sent per command.</li>
 *   <li><b>Sessions.</b> MULTI/EXEC/DISCARD and WATCH run on a connection dedicated to
 *       the client, to the master; so do blocking commands (BLPOP, XREAD, WAIT ...). After
 *       SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE the dedicated connection becomes a two-way tunnel
 *       for the rest of the client's life. CLIENT TRACKING ON pins the client (reads too) to
 *       its dedicated master connection until OFF: RESP3 invalidation pushes come there;
 *       after a failover the client gets the invalidate-everything push and tracking is
 *       turned on again on the new master. AUTH, HELLO, PING, ECHO, QUIT, RESET, SELECT,
 *       CLIENT SETNAME/GETNAME/ID are answered by the gateway; requirepass is the
 *       gateway's and backend-auth-pass is never shown to clients.</li>
 *   <li><b>Refused.</b> MONITOR, SYNC, PSYNC, REPLICAOF/SLAVEOF, FAILOVER, SHUTDOWN,
 *       REPLCONF, DEBUG, MODULE, CLUSTER, MIGRATE, READONLY/READWRITE/ASKING, SENTINEL and
 *       CLIENT REPLY and CLIENT TRACKING ... REDIRECT get {@code -ERR gateway: ...}. Every error the gateway
 *       makes itself has "gateway:" after its code.</li>
 *   <li><b>Failover.</b> The gateway asks every sentinel SENTINEL MASTER (config-epoch)
 *       and get-master-addr-by-name (address) each check interval and at once on their
 *       events (+promoted-slave, +switch-master, +sdown, +odown, ...), a failed master
 *       connection or a refusal. Only the highest config-epoch counts; a failover leader's
 *       promoted replica is tried first, since its get-master-addr-by-name names it before
 *       +switch-master. A node gets writes only after it answered ROLE with "master".
 *       While there is no confirmed master, commands for the master wait up to
 *       {@code failover-hold-ms} and then go to the new master, or fail with
 *       {@code -MASTERDOWN gateway: ...}. A command sent to the old master whose reply never
 *       came is answered {@code -ERR gateway: ... may or may not have been applied} and is
 *       never sent again; commands never sent, and sent reads, are routed again.</li>
 *   <li><b>Static setups.</b> Without sentinels every check asks ROLE of each node of the
 *       {@code master} and {@code replica} lines, so a manual switchover (REPLICAOF,
 *       FAILOVER) is followed. The one node saying master is the candidate; two or more
 *       at once are told apart by the other reachable nodes (the one most of them name as
 *       their master in ROLE), and a tie or no vote holds the writes as above rather than
 *       guess. Demoting the old master first loses nothing; promoting first leaves a
 *       window, until the next check, in which the old master still takes writes.</li>
 *   <li><b>Refused, not run.</b> READONLY (the node we sent a write to is a replica now),
 *       LOADING and MASTERDOWN are refusals Redis makes before running a command, so the
 *       gateway never passes them to the client from a shared connection: it holds the
 *       command, re-checks the topology at once, sends nothing more to that node until the
 *       check confirmed it (or another master), and sends the command again there, within
 *       {@code failover-hold-ms} (then {@code -MASTERDOWN gateway: ...}). Reads answered
 *       behind a refusal on the same connection are sent again too, so they run after it.
 *       If a write behind a refusal did run (a LOADING that ended in between), the refused
 *       ones get their refusals, as a direct client would, rather than run out of order.
 *       Scripts (EVAL*, FCALL*) are never sent again. A refused replica gets no reads for
 *       a second. On a dedicated connection the same holds outside MULTI for a command
 *       alone in flight there (a blocking command, a write or read under WATCH): it goes
 *       to the confirmed master on a new dedicated connection, and a WATCH is lost (the
 *       next EXEC answers nil). The UNBLOCKED a demoted master sends its blocked clients
 *       counts as such a refusal (nothing was popped): the command blocks again on the new
 *       master, its timeout starting over. WAIT is not sent again.</li>
 *   <li><b>Transactions are never replayed.</b> A write refused inside MULTI reaches the
 *       client as Redis sent it, and EXEC ends in {@code -EXECABORT}, as Redis ends it. If
 *       the dedicated connection is lost or retired mid-transaction, the client's further
 *       commands are answered QUEUED and run nowhere, and EXEC gets {@code -EXECABORT
 *       Transaction discarded because of previous errors.}; a WATCH lost that way makes the
 *       next EXEC answer nil, as for a touched key.</li>
 *   <li><b>Read-your-writes</b> ({@code read-your-writes yes}). After a client's write was
 *       acknowledged at instant w, its reads go to a replica only if the master's INFO
 *       replication showed that replica's acknowledged offset at or past the master's
 *       offset sampled at an instant after w; otherwise to the master. Replicas report
 *       their offset about once a second, so a writing client reads from the master for
 *       about one to two check intervals after each write. Clients that do not write are
 *       unaffected.</li>
 *   <li><b>Acknowledged by replicas</b> ({@code write-ack-replicas N}). Behind every batch
 *       of writes a shared master connection sends, the gateway sends one
 *       {@code WAIT N write-ack-timeout-ms}; the writes' replies go to the clients only when
 *       it answers. If fewer than N replicas confirmed in time, each of those writes is
 *       answered {@code -NOREPLICAS gateway: the write was applied on the master but only k
 *       of N replicas confirmed it ...}: applied, not rolled back, and not safe from a
 *       failover. Error replies pass through unchanged. In a transaction the WAIT follows
 *       EXEC, and EXEC's reply waits for it; if it is not confirmed in time the client gets
 *       {@code -NOREPLICAS gateway: the transaction was applied on the master but only k of
 *       N replicas confirmed it ...} instead of EXEC's results (applied, not rolled back); an
 *       EXEC that applied nothing (EXECABORT, nil after WATCH) passes as it is. Writes on a
 *       dedicated connection outside MULTI (blocking ones, writes under WATCH) are covered
 *       the same way, one WAIT each.</li>
 *   <li><b>Lag.</b> A replica gets reads only while the master's INFO replication lists it
 *       online and, with {@code max-replica-lag-bytes}, no further behind than that, and
 *       its own INFO replication says its master link is up.</li>
 * </ul>
 */
package io.redisha.gateway;
