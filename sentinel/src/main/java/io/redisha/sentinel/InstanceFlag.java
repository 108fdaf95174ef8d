package io.redisha.sentinel;

/**
 * Orthogonal conditions of a monitored instance, kept apart from the failover state.
 * Each change is edge-triggered: the event fires only when a flag is set or cleared.
 */
enum InstanceFlag {
  /** Subjectively down: no valid reply for down-after-milliseconds. */
  SDOWN,
  /** Objectively down: at least quorum sentinels agree (masters only). */
  ODOWN,
  /** This sentinel is running a failover of this master. */
  FAILOVER_IN_PROGRESS,
  /** The replica chosen for promotion. */
  PROMOTED,
  /** SLAVEOF sent to re-point this replica during a failover. */
  RECONF_SENT,
  /** The replica reports the new master, link not yet up. */
  RECONF_INPROG,
  /** The replica is synced with the new master. */
  RECONF_DONE,
  /** Failover requested by SENTINEL FAILOVER: no agreement needed. */
  FORCE_FAILOVER,
  /** Another sentinel whose latest is-master-down-by-addr reply said the master is down. */
  MASTER_DOWN
}
