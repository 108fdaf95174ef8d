package io.redisha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract the BGSAVE snapshot's walk relies on (it uses KeyTable directly, as this
 * test does): a cursor returned by {@link KeyTable#scanEntries} is a point of the hash
 * space below which every key has been visited, with its value, whatever the table grew
 * or shrank to between calls. A key at or past the cursor must not have been visited.
 */
class KeyTableWalkTest {

  @Test
  void everyKeyBelowTheCursorWasVisitedAndNoneAtOrPastIt() {
    Random rnd = new Random(11);
    KeyTable t = new KeyTable();
    Map<Key, Object> stable = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      Key k = Key.of("s" + i);
      t.put(k, "v" + i);
      stable.put(k, "v" + i);
    }
    Map<Key, Object> visited = new HashMap<>();
    long cursor = 0;
    int extra = 0;
    do {
      long from = cursor;
      cursor = t.scanEntries(cursor, 1 + rnd.nextInt(100), (k, v) -> {
        long h = KeyTable.hashPoint(k);
        assertTrue(h >= from, "visited below the cursor it started from: " + k);
        assertEquals(null, visited.put(k, v), "visited twice: " + k);
      });
      long end = cursor == 0 ? 1L << 32 : cursor;
      for (Map.Entry<Key, Object> e : stable.entrySet()) {
        boolean below = KeyTable.hashPoint(e.getKey()) < end;
        assertEquals(below, visited.containsKey(e.getKey()), "cursor " + end + ", key " + e.getKey());
      }
      // Grow to several times the size, or shrink back, between two calls.
      int burst = rnd.nextInt(20_000);
      if (rnd.nextBoolean()) {
        for (int i = 0; i < burst; i++) t.put(Key.of("x" + extra++), 1);
      } else {
        for (int i = 0; i < burst && extra > 0; i++) t.remove(Key.of("x" + --extra));
      }
    } while (cursor != 0);
    for (Map.Entry<Key, Object> e : stable.entrySet()) assertEquals(e.getValue(), visited.get(e.getKey()));
  }
}
