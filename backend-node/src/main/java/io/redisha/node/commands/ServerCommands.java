package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Db;
import io.redisha.node.Node;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The server's administration: INFO, CONFIG, CLIENT, COMMAND (each in its own
 * class), and here TIME, DBSIZE, FLUSHDB, FLUSHALL, LASTSAVE, ROLE, SHUTDOWN,
 * MONITOR and DEBUG.
 */
public final class ServerCommands {
  private ServerCommands() {}

  private static final String DEBUG_NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is "
      + "set to \"local\", you can run it from a local connection, otherwise you need to set this option in the "
      + "configuration file, and then restart the server.";

  public static void register(Node node, Commands commands) {
    InfoCommand info = new InfoCommand(node);
    commands.register("info", info::run);
    ConfigCommand.register(node, commands);
    ClientCmd.register(node, commands);
    CommandCmd.register(node, commands);

    commands.register("dbsize", (c, argv) -> c.reply().integer(c.db.size()));
    commands.register("flushdb", (c, argv) -> {
      if (!flushOptionOk(c, argv)) return;
      node.dirty += c.db.size();
      c.db.flush();
      c.reply().ok();
    });
    commands.register("flushall", (c, argv) -> {
      if (!flushOptionOk(c, argv)) return;
      node.persistence.abortBgsave(); // as Redis kills its saving child: that dump is obsolete
      for (int i = 0; i < node.databases(); i++) {
        Db db = node.db(i);
        node.dirty += db.size();
        db.flush();
      }
      node.dirty++; // as Redis, so that an empty FLUSHALL still counts as a change
      // Redis 7.0 saves the empty data set at once when save points are configured.
      if (node.persistence.hasSavePoints()) node.persistence.saveNow();
      c.reply().ok();
    });
    commands.register("time", (c, argv) -> {
      long us = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
      c.reply().array(2).bulk(Long.toString(us / 1_000_000)).bulk(Long.toString(us % 1_000_000));
    });
    commands.register("role", (c, argv) -> {
      io.redisha.node.Replication r = node.replication;
      if (r.isReplica()) {
        c.reply().array(5).bulk("slave").bulk(r.masterHost()).integer(r.masterPort()).bulk(r.stateName())
            .integer(r.roleOffset());
      } else {
        c.reply().array(3).bulk("master").integer(r.offset()).array(r.replicas().size());
        for (io.redisha.node.Replication.ReplicaConn rc : r.replicas()) {
          c.reply().array(3).bulk(rc.ip()).bulk(Integer.toString(rc.listeningPort())).bulk(Long.toString(rc.ackOffset()));
        }
      }
    });
    commands.register("shutdown", (c, argv) -> shutdown(node, c, argv));
    commands.register("monitor", (c, argv) -> {
      if (c.inExec) {
        c.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
      }
      c.startMonitor();
      c.reply().ok();
    });
    commands.register("debug", (c, argv) -> debug(node, c, argv));
  }

  private static boolean flushOptionOk(Client c, byte[][] argv) {
    if (argv.length > 2 || (argv.length == 2 && !is(argv[1], "async") && !is(argv[1], "sync"))) {
      c.error(Args.SYNTAX);
      return false;
    }
    return true;
  }

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: saves when save points are configured or
   * SAVE is given (not with NOSAVE); a failed save keeps the node running unless FORCE.
   * NOW has nothing to skip: no replica is ever waited for.
   */
  private static void shutdown(Node node, Client c, byte[][] argv) {
    boolean save = false, nosave = false, abort = false, other = false, force = false;
    for (int i = 1; i < argv.length; i++) {
      if (is(argv[i], "nosave")) nosave = true;
      else if (is(argv[i], "save")) save = true;
      else if (is(argv[i], "now")) other = true;
      else if (is(argv[i], "force")) other = force = true;
      else if (is(argv[i], "abort")) abort = true;
      else {
        c.error(Args.SYNTAX);
        return;
      }
    }
    if ((save && nosave) || (abort && (save || nosave || other))) {
      c.error(Args.SYNTAX);
      return;
    }
    if (abort) {
      c.error("ERR No shutdown in progress.");
      return;
    }
    node.log.warning("User requested shutdown...");
    if (save || (!nosave && node.persistence.hasSavePoints())) {
      if (!node.persistence.saveForExit() && !force) {
        node.log.warning("Errors trying to shut down the server. Check the logs for more information.");
        c.error("ERR Errors trying to SHUTDOWN. Check logs.");
        return;
      }
    } else {
      node.persistence.abortBgsave();
    }
    node.shutdown();
  }

  /**
   * DEBUG SLEEP, SET-ACTIVE-EXPIRE and CHANGE-REPL-ID; the rest of Redis's DEBUG is not
   * implemented (unknown subcommand), HELP included.
   *
   * <p>DEBUG SLEEP blocks the node's event loop on purpose, as it blocks redis-server:
   * the gateway's tests use it to make a node stall (replica lag, failover). It is
   * the one place where the node's thread sleeps, and like Redis it needs
   * enable-debug-command.
   */
  private static void debug(Node node, Client c, byte[][] argv) {
    if (!debugAllowed(node, c)) {
      c.error(DEBUG_NOT_ALLOWED);
      return;
    }
    if (is(argv[1], "sleep") && argv.length == 3) {
      double seconds;
      try {
        seconds = Double.parseDouble(Args.str(argv[2]).trim());
      } catch (NumberFormatException e) {
        seconds = 0; // Redis reads it with strtod: garbage is 0
      }
      long ms = (long) (seconds * 1000);
      if (ms > 0) {
        try {
          Thread.sleep(ms);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      c.reply().ok();
      return;
    }
    if (is(argv[1], "set-active-expire") && argv.length == 3) {
      Long on = Args.parseLong(argv[2]); // Redis reads it with atoi: garbage is 0
      node.activeExpireEnabled = on != null && on != 0;
      c.reply().ok();
      return;
    }
    if (is(argv[1], "change-repl-id") && argv.length == 2) {
      node.replid = Node.randomHex40();
      node.replid2 = "0".repeat(40);
      c.reply().ok();
      return;
    }
    c.error("ERR unknown subcommand or wrong number of arguments for '" + Args.str(argv[1]) + "'. Try DEBUG HELP.");
  }

  private static boolean debugAllowed(Node node, Client c) {
    if (!node.config.has("enable-debug-command")) return false;
    String mode = node.config.getString("enable-debug-command");
    if (mode.equals("yes")) return true;
    if (!mode.equals("local")) return false;
    String host = c.addr.startsWith("[") ? c.addr.substring(1, c.addr.lastIndexOf(']')) : c.addr.substring(0, c.addr.lastIndexOf(':'));
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
