package io.redisha.node.types;

/** Placeholder: the SetValue type is filled in by its command family. */
public final class SetValue {
}
