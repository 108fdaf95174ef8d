package io.redisha.node;

/**
 * Runs one command whose name, arity and authentication the dispatcher has already
 * checked. It replies through {@code c.reply()}, exactly once (or blocks the client).
 */
@FunctionalInterface
public interface CommandHandler {
  void run(Client c, byte[][] argv);
}
