package io.redisha.node;

import io.redisha.util.Glob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channels and patterns, and the commands on them. Messages are RESP3 pushes for a
 * RESP3 client and three-element arrays for a RESP2 one, as redis-server sends them.
 */
public final class PubSub {

  private final Node node;
  private final Map<Key, Set<Client>> channels = new HashMap<>();
  private final Map<Key, Set<Client>> patterns = new LinkedHashMap<>();
  private long[] outputLimit;

  PubSub(Node node) {
    this.node = node;
  }

  void register(Commands commands) {
    node.config.onChange("client-output-buffer-limit", v -> outputLimit = null);
    commands.register("subscribe", (c, argv) -> {
      for (int i = 1; i < argv.length; i++) {
        Key ch = new Key(argv[i]);
        if (c.channels.add(ch)) channels.computeIfAbsent(ch, k -> new LinkedHashSet<>()).add(c);
        ack(c, "subscribe", ch.bytes);
      }
    });
    commands.register("psubscribe", (c, argv) -> {
      for (int i = 1; i < argv.length; i++) {
        Key p = new Key(argv[i]);
        if (c.patterns.add(p)) patterns.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(c);
        ack(c, "psubscribe", p.bytes);
      }
    });
    commands.register("unsubscribe", (c, argv) -> {
      List<Key> which = new ArrayList<>();
      if (argv.length == 1) which.addAll(c.channels);
      else for (int i = 1; i < argv.length; i++) which.add(new Key(argv[i]));
      if (which.isEmpty()) ack(c, "unsubscribe", null);
      for (Key ch : which) {
        unsubscribe(c, ch);
        ack(c, "unsubscribe", ch.bytes);
      }
    });
    commands.register("punsubscribe", (c, argv) -> {
      List<Key> which = new ArrayList<>();
      if (argv.length == 1) which.addAll(c.patterns);
      else for (int i = 1; i < argv.length; i++) which.add(new Key(argv[i]));
      if (which.isEmpty()) ack(c, "punsubscribe", null);
      for (Key p : which) {
        punsubscribe(c, p);
        ack(c, "punsubscribe", p.bytes);
      }
    });
    commands.register("publish", (c, argv) -> c.reply().integer(publish(argv[1], argv[2])));
    commands.register("pubsub|channels", (c, argv) -> {
      List<Key> out = new ArrayList<>();
      for (Key ch : channels.keySet()) {
        if (argv.length < 3 || Glob.match(argv[2], ch.bytes, false)) out.add(ch);
      }
      c.reply().array(out.size());
      for (Key k : out) c.reply().bulk(k.bytes);
    });
    commands.register("pubsub|numsub", (c, argv) -> {
      // A flat array under RESP3 too: redis-server 7.0 replies an array, not a map.
      c.reply().array((argv.length - 2) * 2);
      for (int i = 2; i < argv.length; i++) {
        Set<Client> s = channels.get(new Key(argv[i]));
        c.reply().bulk(argv[i]).integer(s == null ? 0 : s.size());
      }
    });
    commands.register("pubsub|numpat", (c, argv) -> c.reply().integer(patterns.size()));
  }

  /** Delivers a message; returns how many clients received it. */
  public int publish(byte[] channel, byte[] message) {
    node.stats.pubsubMessages++;
    int receivers = 0;
    Set<Client> subs = channels.get(new Key(channel));
    if (subs != null) {
      for (Client s : subs) {
        s.reply().push(3).bulk("message").bulk(channel).bulk(message);
        s.flush();
        receivers++;
      }
    }
    if (!patterns.isEmpty()) {
      for (Map.Entry<Key, Set<Client>> e : patterns.entrySet()) {
        if (!Glob.match(e.getKey().bytes, channel, false)) continue;
        for (Client s : e.getValue()) {
          s.reply().push(4).bulk("pmessage").bulk(e.getKey().bytes).bulk(channel).bulk(message);
          s.flush();
          receivers++;
        }
      }
    }
    return receivers;
  }

  private void ack(Client c, String kind, byte[] name) {
    c.reply().push(3).bulk(kind);
    if (name == null) c.reply().nullBulk();
    else c.reply().bulk(name);
    c.reply().integer(c.channels.size() + c.patterns.size());
  }

  private void unsubscribe(Client c, Key ch) {
    if (!c.channels.remove(ch)) return;
    Set<Client> s = channels.get(ch);
    if (s != null && s.remove(c) && s.isEmpty()) channels.remove(ch);
  }

  private void punsubscribe(Client c, Key p) {
    if (!c.patterns.remove(p)) return;
    Set<Client> s = patterns.get(p);
    if (s != null && s.remove(c) && s.isEmpty()) patterns.remove(p);
  }

  /** On close and RESET: silently leave everything. */
  void unsubscribeAll(Client c) {
    for (Key ch : new ArrayList<>(c.channels)) unsubscribe(c, ch);
    for (Key p : new ArrayList<>(c.patterns)) punsubscribe(c, p);
  }

  public int channelCount() {
    return channels.size();
  }

  public int patternCount() {
    return patterns.size();
  }

  /** The pubsub class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds. */
  long[] outputLimit() {
    if (outputLimit == null) {
      String[] w = node.config.getString("client-output-buffer-limit").split(" ");
      for (int i = 0; i + 3 < w.length; i += 4) {
        if (w[i].equals("pubsub")) {
          outputLimit = new long[] {Long.parseLong(w[i + 1]), Long.parseLong(w[i + 2]), Long.parseLong(w[i + 3])};
        }
      }
    }
    return outputLimit;
  }
}
