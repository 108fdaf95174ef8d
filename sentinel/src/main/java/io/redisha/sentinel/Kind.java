package io.redisha.sentinel;

/** What a monitored instance is, as Redis names it in events and flags. */
enum Kind {
  MASTER("master"),
  REPLICA("slave"),
  SENTINEL("sentinel");

  final String redisName;

  Kind(String redisName) {
    this.redisName = redisName;
  }
}
