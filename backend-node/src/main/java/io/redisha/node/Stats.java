package io.redisha.node;

/** Counters for INFO stats; all touched on the node's event loop only. */
public final class Stats {
  public long connectionsReceived;
  public long rejectedConnections;
  public long commandsProcessed;
  public long netInputBytes;
  public long netOutputBytes;
  public long expiredKeys;
  public long evictedKeys;
  public long keyspaceHits;
  public long keyspaceMisses;
  public long pubsubMessages;
  public long totalErrorReplies;
  public long unexpectedErrorReplies;
  public long clientOutputLimitDisconnections;
}
