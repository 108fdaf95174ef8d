/**
 * RESP, the Redis protocol, as bytes and types; nothing here knows a command.
 *
 * <p>Server side (the node): {@link io.redisha.resp.RequestParser} turns a client's
 * bytes into argument vectors with redis-server 7.0's limits and error texts, using
 * {@link io.redisha.resp.ArgSplitter} for inline commands; {@link io.redisha.resp.ReplyWriter}
 * encodes replies for RESP2 or RESP3, with {@link io.redisha.resp.Doubles} for C's number
 * formats.
 *
 * <p>Client side (replication link, sentinel, gateway): {@link io.redisha.resp.RespReader}
 * turns a server's bytes into {@link io.redisha.resp.RespValue}s;
 * {@link io.redisha.resp.RespFramer} only finds where each reply ends, for forwarding
 * bytes untouched. Both fail with {@link io.redisha.resp.RespProtocolException}.
 *
 * <p>All parsers are fed one socket read at a time, never block, and keep only the
 * unfinished tail of the input between reads.
 */
package io.redisha.resp;
