package io.redisha.node.commands;

import io.redisha.node.Node;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * INFO sections as field maps, for the node's meters: reading the replication figures
 * through INFO keeps the meters in step with what INFO says without the meters knowing
 * how replication keeps them.
 */
public final class InfoSnapshot {

  private InfoSnapshot() {}

  /** The fields of one INFO section; "slaveN" lines stay as their raw "ip=...,lag=..." text. */
  public static Map<String, String> section(Node node, String section) {
    String text = new InfoCommand(node).render(new byte[][] {"info".getBytes(StandardCharsets.US_ASCII),
        section.getBytes(StandardCharsets.US_ASCII)});
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) fields.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return fields;
  }
}
