package io.redisha.node.types;

/** Placeholder: the ZSetValue type is filled in by its command family. */
public final class ZSetValue {
}
