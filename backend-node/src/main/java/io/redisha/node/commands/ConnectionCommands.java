package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Node;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT. */
public final class ConnectionCommands {

  /** The version we answer as: the Redis release whose behaviour we reproduce. */
  public static final String REDIS_VERSION = "7.0.15";

  private ConnectionCommands() {}

  public static void register(Node node, Commands commands) {
    commands.register("ping", (c, argv) -> {
      if (argv.length > 2) {
        c.error("ERR wrong number of arguments for 'ping' command");
      } else if (c.isSubscribed() && c.protocol() == 2) {
        c.reply().array(2).bulk("pong").bulk(argv.length == 2 ? argv[1] : new byte[0]);
      } else if (argv.length == 2) {
        c.reply().bulk(argv[1]);
      } else {
        c.reply().simple("PONG");
      }
    });
    commands.register("echo", (c, argv) -> c.reply().bulk(argv[1]));
    commands.register("quit", (c, argv) -> {
      c.reply().ok();
      c.closeAfterReply();
    });
    commands.register("select", (c, argv) -> {
      long id = Args.toLong(argv[1]);
      if (id < 0 || id >= node.databases()) {
        c.error("ERR DB index is out of range");
        return;
      }
      c.db = node.db((int) id);
      c.reply().ok();
    });
    commands.register("auth", (c, argv) -> {
      if (argv.length > 3) {
        c.error(Args.SYNTAX);
        return;
      }
      String pass = node.config.getString("requirepass");
      if (argv.length == 2 && pass.isEmpty()) {
        c.error("ERR AUTH <password> called without any password configured for the default user. "
            + "Are you sure your configuration is correct?");
        return;
      }
      byte[] user = argv.length == 3 ? argv[1] : "default".getBytes(StandardCharsets.US_ASCII);
      if (checkPassword(node, user, argv[argv.length - 1])) {
        c.setAuthenticated(true);
        c.reply().ok();
      } else {
        node.log.verbose("Authentication failed for client id=" + c.id);
        c.error("WRONGPASS invalid username-password pair or user is disabled.");
      }
    });
    commands.register("hello", ConnectionCommands::hello);
    commands.register("reset", (c, argv) -> {
      c.resetSession();
      c.reply().simple("RESET");
    });
  }

  /** Only the default user exists; without requirepass it takes any password ("nopass"). */
  static boolean checkPassword(Node node, byte[] user, byte[] password) {
    if (!new String(user, StandardCharsets.UTF_8).equals("default")) return false;
    String pass = node.config.getString("requirepass");
    if (pass.isEmpty()) return true;
    // Constant-time comparison, as redis-server's time_independent_strcmp.
    return MessageDigest.isEqual(pass.getBytes(StandardCharsets.UTF_8), password);
  }

  private static void hello(Client c, byte[][] argv) {
    Node node = c.node;
    int proto = c.protocol();
    int i = 1;
    if (argv.length >= 2) {
      Long v = Args.parseLong(argv[1]);
      if (v == null) {
        c.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      if (v < 2 || v > 3) {
        c.error("NOPROTO unsupported protocol version");
        return;
      }
      proto = v.intValue();
      i = 2;
    }
    String setName = null;
    for (; i < argv.length; i++) {
      boolean more = i + 1 < argv.length;
      if (is(argv[i], "auth") && i + 2 < argv.length) {
        if (!checkPassword(node, argv[i + 1], argv[i + 2])) {
          c.error("WRONGPASS invalid username-password pair or user is disabled.");
          return;
        }
        c.setAuthenticated(true);
        i += 2;
      } else if (is(argv[i], "setname") && more) {
        setName = new String(argv[i + 1], StandardCharsets.UTF_8);
        if (!ClientNames.valid(setName)) {
          c.error("ERR Client names cannot contain spaces, newlines or special characters.");
          return;
        }
        i++;
      } else {
        c.error("ERR Syntax error in HELLO option '" + Args.str(argv[i]) + "'");
        return;
      }
    }
    if (!c.authenticated) {
      c.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
          + "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at "
          + "the same time");
      return;
    }
    if (setName != null) c.name = setName;
    c.reply().setProtocol(proto);
    c.reply().map(7);
    c.reply().bulk("server").bulk("redis");
    c.reply().bulk("version").bulk(REDIS_VERSION);
    c.reply().bulk("proto").integer(proto);
    c.reply().bulk("id").integer(c.id);
    c.reply().bulk("mode").bulk("standalone");
    c.reply().bulk("role").bulk(node.role());
    c.reply().bulk("modules").array(0);
  }
}
