package io.redisha.util;

/**
 * Redis's glob-style matching (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET): {@code *},
 * {@code ?}, {@code [abc]}, {@code [^a-z]}, and {@code \} to escape, over bytes.
 */
public final class Glob {

  private Glob() {}

  public static boolean match(byte[] pattern, byte[] s, boolean nocase) {
    return match(pattern, 0, s, 0, nocase, 0);
  }

  public static boolean match(String pattern, String s) {
    return match(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        s.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
  }

  private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
    if (depth > 1000) return false; // as redis-server, bound the recursion of pathological patterns
    while (pi < p.length) {
      switch (p[pi]) {
        case '*' -> {
          while (pi + 1 < p.length && p[pi + 1] == '*') pi++;
          if (pi + 1 == p.length) return true;
          for (int k = si; k <= s.length; k++) {
            if (match(p, pi + 1, s, k, nocase, depth + 1)) return true;
          }
          return false;
        }
        case '?' -> {
          if (si >= s.length) return false;
          si++;
        }
        case '[' -> {
          if (si >= s.length) return false;
          pi++;
          boolean not = pi < p.length && p[pi] == '^';
          if (not) pi++;
          boolean matched = false;
          while (pi < p.length && p[pi] != ']') {
            if (p[pi] == '\\' && pi + 1 < p.length) {
              pi++;
              if (eq(p[pi], s[si], nocase)) matched = true;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
              int a = p[pi] & 0xff, b = p[pi + 2] & 0xff, c = s[si] & 0xff;
              if (a > b) { int t = a; a = b; b = t; }
              if (nocase) {
                a = Character.toLowerCase(a); b = Character.toLowerCase(b); c = Character.toLowerCase(c);
              }
              pi += 2;
              if (c >= a && c <= b) matched = true;
            } else if (eq(p[pi], s[si], nocase)) {
              matched = true;
            }
            pi++;
          }
          if (pi >= p.length) pi--; // an unterminated class: Redis treats the end as ']'
          if (not) matched = !matched;
          if (!matched) return false;
          si++;
        }
        case '\\' -> {
          if (pi + 1 < p.length) pi++;
          if (si >= s.length || !eq(p[pi], s[si], nocase)) return false;
          si++;
        }
        default -> {
          if (si >= s.length || !eq(p[pi], s[si], nocase)) return false;
          si++;
        }
      }
      pi++;
    }
    return si == s.length;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    if (a == b) return true;
    return nocase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
  }
}
