package io.redisha.node.commands;

import io.redisha.node.Commands;
import io.redisha.node.Node;

/** Placeholder until its command family lands. */
public final class ZSetCommands {
  private ZSetCommands() {}

  public static void register(Node node, Commands commands) {}
}
