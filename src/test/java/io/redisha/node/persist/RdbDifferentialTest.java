package io.redisha.node.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redisha.testing.RealRedis;
import io.redisha.testing.RespClient;
import io.redisha.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dumps cross between our node and a real redis-server 7.0, both ways, and the data survives exactly. */
class RdbDifferentialTest {

  @TempDir Path tmp;

  @Test
  void ourSaveLoadsIntoRealRedisWithTheSameData() throws Exception {
    List<String> ours;
    Path dump;
    try (TestNode node = TestNode.start(); RespClient c = node.client()) {
      PersistData.populate(c);
      ours = PersistData.dump(c, false);
      assertEquals("+OK", c.call("SAVE").toString());
      dump = tmp.resolve("ours.rdb");
      Files.copy(node.dir.resolve("dump.rdb"), dump);
    }
    try (RealRedis r = RealRedis.start("redis-server", new String[] {"--dir", tmp.toString(), "--dbfilename", "ours.rdb"}); RespClient c = r.client()) {
      List<String> theirs = PersistData.dump(c, false);
      assertEquals(ours.size(), theirs.size());
      assertEquals(ours, theirs);
    }
  }

  @Test
  void realRedisSaveLoadsIntoOurNodeWithTheSameDataAndEncodings() throws Exception {
    try (RealRedis r = RealRedis.start(); RespClient c = r.client()) {
      PersistData.populate(c);
      assertEquals("+OK", c.call("SAVE").toString());
      Files.copy(r.dir.resolve("dump.rdb"), tmp.resolve("redis.rdb"), StandardCopyOption.REPLACE_EXISTING);
    }
    // Redis's own view of its dump after a restart is the reference (a restart is what
    // changes encodings such as APPEND's "raw", for Redis as for us).
    List<String> reference;
    try (RealRedis r = RealRedis.start("redis-server", new String[] {"--dir", tmp.toString(), "--dbfilename", "redis.rdb"}); RespClient c = r.client()) {
      reference = PersistData.dump(c, true);
    }
    try (TestNode node = TestNode.start("--dir", tmp.toString(), "--dbfilename", "redis.rdb"); RespClient c = node.client()) {
      List<String> ours = PersistData.dump(c, true);
      assertEquals(reference.size(), ours.size());
      assertEquals(reference, ours);
      assertTrue(c.call("INFO", "persistence").toString().contains("rdb_last_load_keys_loaded:" + reference.size()));
    }
  }
}
