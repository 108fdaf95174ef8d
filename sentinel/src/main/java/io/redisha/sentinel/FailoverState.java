package io.redisha.sentinel;

/**
 * The steps of one failover, in order; each owns its timeout (see {@link Sentinel}).
 * The names after the {@code +failover-state-} prefix are Redis's event names.
 */
enum FailoverState {
  /** No failover running for this master. */
  NONE("none"),
  /** ODOWN seen, epoch bumped, votes requested; waiting to be elected leader. */
  WAIT_START("wait-start"),
  /** Elected: picking the best replica by Redis's rules. */
  SELECT_REPLICA("select-slave"),
  /** MULTI / SLAVEOF NO ONE / CONFIG REWRITE / CLIENT KILL ... / EXEC sent to the chosen replica. */
  SEND_REPLICAOF_NO_ONE("send-slaveof-noone"),
  /** Waiting for the chosen replica's INFO to report role:master. */
  WAIT_PROMOTION("wait-promotion"),
  /** Re-pointing the other replicas, parallel-syncs at a time. */
  RECONF_REPLICAS("reconf-slaves"),
  /** Done: switch the monitored address to the promoted replica. */
  UPDATE_CONFIG("update-config");

  final String eventName;

  FailoverState(String eventName) {
    this.eventName = eventName;
  }
}
