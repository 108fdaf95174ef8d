package io.redisha.node.commands;

import static io.redisha.node.commands.Args.is;

import io.redisha.node.Client;
import io.redisha.node.Commands;
import io.redisha.node.Node;
import io.redisha.node.Tracking;
import io.redisha.resp.Sockets;
import io.vertx.core.internal.net.NetSocketInternal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CLIENT ID, SETNAME, GETNAME, LIST, INFO, KILL, NO-EVICT, REPLY, PAUSE, UNPAUSE,
 * UNBLOCK, HELP and the client-side caching ones (TRACKING, CACHING, GETREDIR,
 * TRACKINGINFO), with redis-server 7.0's replies. What tracking does is in
 * {@link io.redisha.node.Tracking}; here are its options and their errors.
 */
final class ClientCmd {

  private ClientCmd() {}

  /** Redis's client types, as CLIENT LIST TYPE and CLIENT KILL TYPE name them. */
  enum Type { NORMAL, REPLICA, PUBSUB, MASTER }

  static void register(Node node, Commands commands) {
    commands.register("client|id", (c, argv) -> c.reply().integer(c.id));
    commands.register("client|getname", (c, argv) -> {
      if (c.name.isEmpty()) c.reply().nullBulk();
      else c.reply().bulk(c.name);
    });
    commands.register("client|setname", (c, argv) -> {
      String name = Args.str(argv[2]);
      if (!ClientNames.valid(name)) {
        c.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      c.name = name;
      c.reply().ok();
    });
    commands.register("client|info", (c, argv) -> c.reply().verbatim(describe(c, c) + "\n"));
    commands.register("client|list", (c, argv) -> list(node, c, argv));
    commands.register("client|kill", (c, argv) -> kill(node, c, argv));
    commands.register("client|no-evict", (c, argv) -> {
      if (is(argv[2], "on")) c.noEvict = true;
      else if (is(argv[2], "off")) c.noEvict = false;
      else {
        c.error(Args.SYNTAX);
        return;
      }
      c.reply().ok();
    });
    commands.register("client|reply", (c, argv) -> {
      if (is(argv[2], "on")) {
        c.replyMode = Client.REPLY_ON;
        c.reply().ok();
      } else if (is(argv[2], "off")) {
        c.replyMode = Client.REPLY_OFF;
      } else if (is(argv[2], "skip")) {
        if (c.replyMode != Client.REPLY_OFF) c.replyMode = Client.REPLY_SKIP_NEXT;
      } else {
        c.error(Args.SYNTAX);
      }
    });
    commands.register("client|pause", (c, argv) -> {
      Long ms = Args.parseLong(argv[2]);
      if (ms == null) {
        c.error("ERR timeout is not an integer or out of range");
        return;
      }
      if (ms < 0) {
        c.error("ERR timeout is negative");
        return;
      }
      boolean all = true;
      if (argv.length == 4) {
        if (is(argv[3], "write")) all = false;
        else if (!is(argv[3], "all")) {
          c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
          return;
        }
      } else if (argv.length > 4) {
        wrongArgs(c, argv);
        return;
      }
      node.pauseClients(ms, all);
      c.reply().ok();
    });
    commands.register("client|unpause", (c, argv) -> {
      node.unpauseClients();
      c.reply().ok();
    });
    commands.register("client|unblock", (c, argv) -> {
      Long id = Args.parseLong(argv[2]);
      if (id == null) {
        c.error(Args.NOT_INTEGER);
        return;
      }
      boolean error = false;
      if (argv.length == 4) {
        if (is(argv[3], "error")) error = true;
        else if (!is(argv[3], "timeout")) {
          c.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
          return;
        }
      } else if (argv.length > 4) {
        wrongArgs(c, argv);
        return;
      }
      Client target = node.client(id);
      c.reply().integer(target != null && node.blocking.unblockWith(target, error) ? 1 : 0);
    });
    commands.register("client|tracking", (c, argv) -> tracking(node, c, argv));
    commands.register("client|caching", ClientCmd::caching);
    commands.register("client|getredir", (c, argv) -> c.reply().integer(c.tracking() == null ? -1 : c.tracking().redirect));
    commands.register("client|trackinginfo", (c, argv) -> trackingInfo(c));
    commands.register("client|help", (c, argv) -> ConfigCommand.Help.reply(c, "CLIENT",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction."));
  }

  private static void wrongArgs(Client c, byte[][] argv) {
    c.error("ERR unknown subcommand or wrong number of arguments for '" + Args.str(argv[1]) + "'. Try CLIENT HELP.");
  }

  // ---------------------------------------------------------------- TRACKING

  /**
   * CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]:
   * options parsed left to right (a bad one is a syntax error even with OFF), then
   * checked against each other and the client's present mode in Redis's order.
   */
  private static void tracking(Node node, Client c, byte[][] argv) {
    long redirect = 0;
    boolean bcast = false, optin = false, optout = false, noloop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int j = 3; j < argv.length; j++) {
      boolean more = j + 1 < argv.length;
      if (is(argv[j], "redirect") && more) {
        j++;
        if (redirect != 0) {
          c.error("ERR A client can only redirect to a single other client");
          return;
        }
        Long id = Args.parseLong(argv[j]);
        if (id == null) {
          c.error(Args.NOT_INTEGER);
          return;
        }
        redirect = id;
        if (node.client(id) == null) {
          c.error("ERR The client ID you want redirect to does not exist");
          return;
        }
      } else if (is(argv[j], "bcast")) {
        bcast = true;
      } else if (is(argv[j], "optin")) {
        optin = true;
      } else if (is(argv[j], "optout")) {
        optout = true;
      } else if (is(argv[j], "noloop")) {
        noloop = true;
      } else if (is(argv[j], "prefix") && more) {
        prefixes.add(argv[++j]);
      } else {
        c.error(Args.SYNTAX);
        return;
      }
    }
    Tracking.Session now = c.tracking();
    if (is(argv[2], "on")) {
      if (!bcast && !prefixes.isEmpty()) {
        c.error("ERR PREFIX option requires BCAST mode to be enabled");
        return;
      }
      if (now != null && now.bcast != bcast) {
        c.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
            + "and then re-enabling it with a different mode.");
        return;
      }
      if (bcast && (optin || optout)) {
        c.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
        return;
      }
      if (optin && optout) {
        c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
        return;
      }
      if (now != null && ((optin && now.optout) || (optout && now.optin))) {
        c.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
            + "and then re-enabling it with a different mode.");
        return;
      }
      if (bcast) {
        String collision = Tracking.prefixCollision(c, prefixes);
        if (collision != null) {
          c.error(collision);
          return;
        }
      }
      node.tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
    } else if (is(argv[2], "off")) {
      node.tracking.disable(c);
    } else {
      c.error(Args.SYNTAX);
      return;
    }
    c.reply().ok();
  }

  private static void caching(Client c, byte[][] argv) {
    Tracking.Session s = c.tracking();
    if (s == null) {
      c.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
      return;
    }
    if (is(argv[2], "yes")) {
      if (!s.optin) {
        c.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        return;
      }
    } else if (is(argv[2], "no")) {
      if (!s.optout) {
        c.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        return;
      }
    } else {
      c.error(Args.SYNTAX);
      return;
    }
    Tracking.cacheNext(c);
    c.reply().ok();
  }

  /** A map of flags (a set: on/off, then the modes), redirect (-1 when off) and prefixes. */
  private static void trackingInfo(Client c) {
    Tracking.Session s = c.tracking();
    List<String> flags = new ArrayList<>();
    flags.add(s == null ? "off" : "on");
    if (s != null) {
      if (s.bcast) flags.add("bcast");
      if (s.optin) {
        flags.add("optin");
        if (s.caching()) flags.add("caching-yes");
      }
      if (s.optout) {
        flags.add("optout");
        if (s.caching()) flags.add("caching-no");
      }
      if (s.noloop) flags.add("noloop");
      if (s.brokenRedirect()) flags.add("broken_redirect");
    }
    c.reply().map(3).bulk("flags").set(flags.size());
    for (String f : flags) c.reply().bulk(f);
    c.reply().bulk("redirect").integer(s == null ? -1 : s.redirect);
    List<byte[]> prefixes = s == null ? List.of() : s.prefixes();
    c.reply().bulk("prefixes").array(prefixes.size());
    for (byte[] p : prefixes) c.reply().bulk(p);
  }

  // ---------------------------------------------------------------- LIST

  private static void list(Node node, Client c, byte[][] argv) {
    Type type = null;
    Set<Long> ids = null;
    if (argv.length == 4 && is(argv[2], "type")) {
      type = typeByName(Args.str(argv[3]));
      if (type == null) {
        c.error("ERR Unknown client type '" + Args.str(argv[3]) + "'");
        return;
      }
    } else if (argv.length >= 4 && is(argv[2], "id")) {
      ids = new HashSet<>();
      for (int i = 3; i < argv.length; i++) {
        Long id = Args.parseLong(argv[i]);
        if (id == null) {
          c.error("ERR Invalid client ID");
          return;
        }
        ids.add(id);
      }
    } else if (argv.length != 2) {
      c.error(Args.SYNTAX);
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (Client o : node.clients()) {
      if (type != null && typeOf(o) != type) continue;
      if (ids != null && !ids.contains(o.id)) continue;
      sb.append(describe(o, c)).append('\n');
    }
    c.reply().verbatim(sb.toString());
  }

  static Type typeByName(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "normal" -> Type.NORMAL;
      case "slave", "replica" -> Type.REPLICA;
      case "pubsub" -> Type.PUBSUB;
      case "master" -> Type.MASTER;
      default -> null;
    };
  }

  /** As Redis's getClientType: a MONITOR counts as normal. Replication links come with the replication issue. */
  static Type typeOf(Client c) {
    if (c.isMaster) return Type.MASTER;
    if (c.node.replication.isReplicaClient(c)) return Type.REPLICA;
    return c.isSubscribed() ? Type.PUBSUB : Type.NORMAL;
  }

  /**
   * One CLIENT LIST line, fields in Redis 7.0's order. Buffers we do not have as Redis
   * does (its reply buffer, its reply list) read 0; {@code self} is the client asking,
   * whose running command is the only one with arguments in memory.
   */
  static String describe(Client o, Client self) {
    long now = o.node.clock.nowMs();
    int qbuf = o.queryBufferBytes();
    long argvMem = o.argvBytes();
    long multiMem = o.queuedBytes();
    long omem = o.outputBytes();
    StringBuilder sb = new StringBuilder(256);
    sb.append("id=").append(o.id);
    sb.append(" addr=").append(o.addr);
    sb.append(" laddr=").append(o.laddr);
    sb.append(" fd=").append(fd(o));
    sb.append(" name=").append(o.name);
    sb.append(" age=").append((now - o.createdMs) / 1000);
    sb.append(" idle=").append((now - o.lastInteractionMs()) / 1000);
    sb.append(" flags=").append(flags(o));
    sb.append(" db=").append(o.db.id);
    sb.append(" sub=").append(o.channelCount());
    sb.append(" psub=").append(o.patternCount());
    sb.append(" ssub=0");
    sb.append(" multi=").append(o.queuedCommands());
    sb.append(" qbuf=").append(qbuf);
    sb.append(" qbuf-free=0");
    sb.append(" argv-mem=").append(argvMem);
    sb.append(" multi-mem=").append(multiMem);
    sb.append(" rbs=0 rbp=0");
    sb.append(" obl=0 oll=0");
    sb.append(" omem=").append(omem);
    sb.append(" tot-mem=").append(qbuf + argvMem + multiMem + omem);
    sb.append(" events=").append(!Sockets.writable(o.socket()) ? "rw" : "r");
    sb.append(" cmd=").append(o.lastCommand);
    // As Redis: the master's client has no user, it may do anything.
    sb.append(" user=").append(o.isMaster ? "(superuser)" : "default");
    sb.append(" redir=").append(o.tracking() == null ? -1 : o.tracking().redirect);
    sb.append(" resp=").append(o.protocol());
    return sb.toString();
  }

  /** The flag letters in the order Redis prints them; N when none applies. */
  static String flags(Client o) {
    StringBuilder f = new StringBuilder(4);
    if (o.node.replication.isReplicaClient(o)) f.append('S');
    if (o.isMonitor()) f.append('O');
    if (o.isMaster) f.append('M');
    if (o.isSubscribed()) f.append('P');
    if (o.inMulti()) f.append('x');
    if (o.isBlocked() || o.isPostponed()) f.append('b');
    Tracking.Session t = o.tracking();
    if (t != null) {
      f.append('t');
      if (t.brokenRedirect()) f.append('R');
      if (t.bcast) f.append('B');
    }
    if (o.isDirtyCas()) f.append('d');
    if (o.willCloseAfterReply()) f.append('c');
    if (o.noEvict) f.append('e');
    if (f.length() == 0) f.append('N');
    return f.toString();
  }

  /** The socket's file descriptor with the native transport; -1 otherwise. */
  private static int fd(Client o) {
    try {
      if (o.socket() instanceof NetSocketInternal s
          && s.channelHandlerContext().channel() instanceof io.netty.channel.unix.UnixChannel u) {
        return u.fd().intValue();
      }
    } catch (RuntimeException | LinkageError e) {
      // no native transport
    }
    return -1;
  }

  // ---------------------------------------------------------------- KILL

  private static void kill(Node node, Client c, byte[][] argv) {
    String addr = null, laddr = null;
    Long id = null;
    Type type = null;
    boolean skipMe = true;
    if (argv.length == 3) {
      addr = Args.str(argv[2]);
      skipMe = false; // the old form may kill the caller itself
    } else {
      for (int i = 2; i < argv.length; i += 2) {
        if (i + 1 >= argv.length) {
          c.error(Args.SYNTAX);
          return;
        }
        String value = Args.str(argv[i + 1]);
        if (is(argv[i], "id")) {
          Long v = Args.parseLong(argv[i + 1]);
          if (v == null || v <= 0) {
            c.error("ERR client-id should be greater than 0");
            return;
          }
          id = v;
        } else if (is(argv[i], "type")) {
          type = typeByName(value);
          if (type == null) {
            c.error("ERR Unknown client type '" + value + "'");
            return;
          }
        } else if (is(argv[i], "addr")) {
          addr = value;
        } else if (is(argv[i], "laddr")) {
          laddr = value;
        } else if (is(argv[i], "user")) {
          if (!value.equals("default")) {
            c.error("ERR No such user '" + value + "'");
            return;
          }
        } else if (is(argv[i], "skipme")) {
          if (value.equalsIgnoreCase("yes")) skipMe = true;
          else if (value.equalsIgnoreCase("no")) skipMe = false;
          else {
            c.error(Args.SYNTAX);
            return;
          }
        } else {
          c.error(Args.SYNTAX);
          return;
        }
      }
    }
    List<Client> victims = new ArrayList<>();
    for (Client o : node.clients()) {
      if (addr != null && !addr.equals(o.addr)) continue;
      if (laddr != null && !laddr.equals(o.laddr)) continue;
      if (id != null && o.id != id) continue;
      if (type != null && typeOf(o) != type) continue;
      if (o == c && skipMe) continue;
      victims.add(o);
    }
    for (Client o : victims) {
      // The caller gets its reply before it goes, as in Redis.
      if (o == c) c.closeAfterReply();
      else o.close();
    }
    if (argv.length == 3) {
      if (victims.isEmpty()) c.error("ERR No such client");
      else c.reply().ok();
    } else {
      c.reply().integer(victims.size());
    }
  }
}
