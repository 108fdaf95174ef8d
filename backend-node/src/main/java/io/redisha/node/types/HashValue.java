package io.redisha.node.types;

/** Placeholder: the HashValue type is filled in by its command family. */
public final class HashValue {
}
