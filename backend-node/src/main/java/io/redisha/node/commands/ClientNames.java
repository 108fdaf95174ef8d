package io.redisha.node.commands;

/** CLIENT SETNAME's rule: printable ASCII without spaces. */
final class ClientNames {
  private ClientNames() {}

  static boolean valid(String name) {
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch < '!' || ch > '~') return false;
    }
    return true;
  }
}
