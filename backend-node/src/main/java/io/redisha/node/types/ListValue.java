package io.redisha.node.types;

/** Placeholder: the ListValue type is filled in by its command family. */
public final class ListValue {
}
