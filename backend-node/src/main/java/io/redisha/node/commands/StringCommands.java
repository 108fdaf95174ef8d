package io.redisha.node.commands;

import io.redisha.node.Commands;
import io.redisha.node.Db;
import io.redisha.node.Key;
import io.redisha.node.Node;
import io.redisha.node.types.ValueType;

/** Placeholder: GET and plain SET until the string family lands. */
public final class StringCommands {
  private StringCommands() {}

  public static void register(Node node, Commands commands) {
    commands.register("get", (c, argv) -> {
      Object v = c.db.get(new Key(argv[1]));
      if (v == null) {
        c.reply().nullBulk();
      } else if (ValueType.of(v) != ValueType.STRING) {
        c.error(Args.WRONGTYPE);
      } else {
        c.reply().bulk(Db.stringBytes(v));
      }
    });
    commands.register("set", (c, argv) -> {
      c.db.set(new Key(argv[1]), argv[2]);
      node.dirty++;
      c.reply().ok();
    });
  }
}
